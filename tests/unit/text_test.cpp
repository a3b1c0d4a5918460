// sys::split, the one tokenizer of /proc and /etc text (mountinfo, cgroup, passwd).
#include <gtest/gtest.h>

#include "runtime/sys/proc.hpp"

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
