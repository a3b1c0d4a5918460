// sys text and file helpers: split (the one tokenizer of /proc and /etc text:
// mountinfo, cgroup, passwd), read_generated, replace_volatile_file, write_file_atomic.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "runtime/sys/proc.hpp"
#include "runtime/sys/syscalls.hpp"

using mcrun::sys::split;
using V = std::vector<std::string_view>;

TEST(Split, EveryFieldIncludingEmptyOnes) {
  EXPECT_EQ(split("a:b:", ':'), (V{"a", "b", ""}));
  EXPECT_EQ(split("", ':'), (V{""}));
  EXPECT_EQ(split("root:x:0:0:root:/root:/bin/sh", ':').at(2), "0");
}

TEST(Split, MaxPartsKeepsTheRestWhole) {
  EXPECT_EQ(split("0::/a:b", ':', 3), (V{"0", "", "/a:b"}));
  EXPECT_EQ(split("4:cpu,cpuacct:/mcrun/c1", ':', 3), (V{"4", "cpu,cpuacct", "/mcrun/c1"}));
  EXPECT_EQ(split("no-separator", ':', 3), (V{"no-separator"}));
}

TEST(Split, LinesOfAFile) { EXPECT_EQ(split("one\ntwo\n", '\n'), (V{"one", "two", ""})); }

// read_generated: one read, for files the kernel makes whole at the first.
TEST(ReadGenerated, OneReadOfAKernelFileAndTooLongIsAnError) {
  auto stat = mcrun::sys::read_generated("/proc/self/stat");
  ASSERT_TRUE(stat) << stat.error().what();
  EXPECT_EQ(stat->back(), '\n');
  EXPECT_EQ(stat->substr(0, stat->find(' ')), std::to_string(::getpid()));
  char tmpl[] = "/tmp/mcrun-read-XXXXXX";
  mcrun::sys::UniqueFd fd(::mkstemp(tmpl));
  ASSERT_TRUE(fd);
  ASSERT_TRUE(mcrun::sys::write_all(fd.get(), std::string(5000, 'x')));
  auto r = mcrun::sys::read_generated(tmpl);
  ::unlink(tmpl);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EFBIG);
}

// replace_volatile_file: a reader sees the old file or the new one, whole,
// and nothing of the swap is left behind.
TEST(ReplaceVolatileFile, ReplacesWholeAndLeavesOnlyTheFile) {
  char tmpl[] = "/tmp/mcrun-replace-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  auto dir = mcrun::sys::open_path(tmpl, O_RDONLY | O_DIRECTORY);
  ASSERT_TRUE(dir);
  std::string f = std::string(tmpl) + "/state.json";
  ASSERT_TRUE(mcrun::sys::replace_volatile_file(dir->get(), "state.json", "first"));
  EXPECT_EQ(*mcrun::sys::read_file(f), "first");
  auto old = mcrun::sys::open_path(f, O_RDONLY);  // a reader of the old version
  ASSERT_TRUE(old);
  ASSERT_TRUE(mcrun::sys::replace_volatile_file(dir->get(), "state.json", "second, longer"));
  EXPECT_EQ(*mcrun::sys::read_file(f), "second, longer");
  EXPECT_EQ(*mcrun::sys::read_fd(old->get()), "first");
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(tmpl))
    names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"state.json"});
  std::filesystem::remove_all(tmpl);
}

// A write that cannot be put in place fails and leaves no temporary behind
// (the name is a directory: rename(2) answers EISDIR).
TEST(WriteFileAtomic, AFailedRenameLeavesNothingBehind) {
  char tmpl[] = "/tmp/mcrun-atomic-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  auto dir = mcrun::sys::open_path(tmpl, O_RDONLY | O_DIRECTORY);
  ASSERT_TRUE(dir);
  std::filesystem::create_directory(std::string(tmpl) + "/config.json");
  auto r = mcrun::sys::write_file_atomic(dir->get(), "config.json", "{}", 0644);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EISDIR);
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(tmpl))
    names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"config.json"});
  std::filesystem::remove_all(tmpl);
}

// The state's "created": RFC 3339 in UTC, as gmtime_r tells the same second.
TEST(NowRfc3339, UtcWithNanosecondsAsGmtimeSaysIt) {
  time_t before = ::time(nullptr);
  std::string s = mcrun::sys::now_rfc3339();
  time_t after = ::time(nullptr);
  ASSERT_EQ(s.size(), 30u) << s;  // 2026-11-27T15:16:41.520904788Z
  EXPECT_EQ(s.back(), 'Z');
  tm t{};
  ASSERT_NE(::strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &t), nullptr) << s;
  time_t parsed = ::timegm(&t);
  EXPECT_GE(parsed, before);
  EXPECT_LE(parsed, after);
  tm g{};
  ::gmtime_r(&parsed, &g);
  char want[96];
  std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.", g.tm_year + 1900, g.tm_mon + 1,
                g.tm_mday, g.tm_hour, g.tm_min, g.tm_sec);
  EXPECT_EQ(s.substr(0, 20), want);
}
