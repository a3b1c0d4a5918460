// The compiled-seccomp cache: a profile seen before is read back, a file of
// another key is a miss (never its filter), and the cache stays bounded.
#include "runtime/process/seccomp_cache.hpp"

#include <dirent.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "runtime/state_store.hpp"
#include "test_util.hpp"

using namespace mcrun;
using namespace mcrun::runtime;

namespace {

class SeccompCache : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mcrun-seccomp-cache-XXXXXX";
    root_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::string cache_dir() const { return root_ + "/.cache/seccomp"; }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(cache_dir()))
      out.push_back(e.path().filename());
    return out;
  }
  static spec::Seccomp profile(const std::string& errno_syscall) {
    spec::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    s.syscalls.push_back({.names = {errno_syscall}, .action = "SCMP_ACT_ERRNO"});
    return s;
  }
  std::string root_;
};

TEST_F(SeccompCache, ASecondCreateWithTheProfileReadsTheProgramBack) {
  auto first = compile_seccomp_cached(root_, profile("mkdir"));
  ASSERT_TRUE(first) << first.error().what();
  EXPECT_EQ(encode_seccomp(*first), encode_seccomp(*compile_seccomp(profile("mkdir"))));
  auto files = entries();
  ASSERT_EQ(files.size(), 1u);
  // Mark the stored program (its last instruction's k): what comes back
  // the second time is the file's, not a new compile.
  std::string path = cache_dir() + "/" + files[0];
  std::string text = read_text(path);
  text[text.size() - 1] ^= 0x7f;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  auto second = compile_seccomp_cached(root_, profile("mkdir"));
  ASSERT_TRUE(second) << second.error().what();
  EXPECT_NE(encode_seccomp(*second), encode_seccomp(*first));
  EXPECT_EQ(encode_seccomp(*second), text.substr(text.size() - encode_seccomp(*first).size()));
}

TEST_F(SeccompCache, AFileOfAnotherProfileUnderTheSameNameIsAMissNotItsFilter) {
  ASSERT_TRUE(compile_seccomp_cached(root_, profile("mkdir")));
  std::string path = cache_dir() + "/" + entries()[0];
  // The file now claims the name for a different profile's key (as a hash
  // collision would): its filter must not be used for "mkdir".
  std::string text = read_text(path);
  auto at = text.find("mkdir");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 5, "rmdir");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  auto again = compile_seccomp_cached(root_, profile("mkdir"));
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_EQ(encode_seccomp(*again), encode_seccomp(*compile_seccomp(profile("mkdir"))));
  EXPECT_NE(read_text(path).find("mkdir"), std::string::npos);  // rewritten with its own key
}

TEST_F(SeccompCache, StaysBounded) {
  const char* names[] = {"mkdir", "rmdir", "chdir", "chmod", "chown", "link", "unlink", "rename"};
  for (size_t i = 0; i < kSeccompCacheEntries + 6; ++i) {
    spec::Seccomp s = profile(names[i % 8]);
    s.default_errno_ret = static_cast<uint32_t>(i);  // a different profile each time
    ASSERT_TRUE(compile_seccomp_cached(root_, s));
  }
  EXPECT_EQ(entries().size(), kSeccompCacheEntries);
}

TEST_F(SeccompCache, AStateRootThatCannotHoldItIsOnlyAMiss) {
  std::string file = root_ + "/not-a-dir";
  std::ofstream(file) << "x";
  auto p = compile_seccomp_cached(file, profile("mkdir"));
  ASSERT_TRUE(p) << p.error().what();
  EXPECT_EQ(encode_seccomp(*p), encode_seccomp(*compile_seccomp(profile("mkdir"))));
}

}  // namespace

namespace {

// The cache's directory can never be taken for, or by, a container.
TEST(SeccompCacheDir, IsNoContainerId) {
  auto r = validate_id(".cache");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "invalid container id \".cache\": reserved for mcrun's cache");
  EXPECT_TRUE(validate_id(".cache2"));
}

}  // namespace
