// process.env as the program gets it (process_setup.hpp): pure rules.
#include <gtest/gtest.h>

#include "runtime/process/process_setup.hpp"

using mcrun::runtime::deduplicated_env;
using V = std::vector<std::string>;

namespace {

TEST(ProcessEnv, TheLastValueOfANameWinsWhereItStands) {
  EXPECT_EQ(deduplicated_env({"A=1", "B=2", "A=3", "C=", "B=4"}), (V{"A=3", "C=", "B=4"}));
  // A value with '=' in it is one value; names differ by case.
  EXPECT_EQ(deduplicated_env({"X=a=b", "x=1", "X=c=d"}), (V{"x=1", "X=c=d"}));
}

TEST(ProcessEnv, AnEmptyHomeCountsAsNone) {
  EXPECT_EQ(deduplicated_env({"HOME=", "PATH=/bin"}), (V{"PATH=/bin"}));
  EXPECT_EQ(deduplicated_env({"HOME=/h", "HOME="}), V{});
  EXPECT_EQ(deduplicated_env({"HOME=", "HOME=/h"}), (V{"HOME=/h"}));
}

}  // namespace
