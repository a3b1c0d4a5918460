// The command-line reading that the entry point does before libc starts
// (runtime/sealed_view.hpp): it must find the verb where main.cpp does.
#include "runtime/sealed_view.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace {

using mcrun::runtime::early::argv_seals;
using mcrun::runtime::early::env_forces_memfd;

bool seals(std::vector<std::string> args) {
  args.insert(args.begin(), "mcrun");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv_seals(static_cast<int>(args.size()), argv.data());
}

TEST(SealedView, CreateRunAndExecSeal) {
  EXPECT_TRUE(seals({"create", "--bundle", "b", "c1"}));
  EXPECT_TRUE(seals({"run", "c1"}));
  EXPECT_TRUE(seals({"exec", "c1", "sh"}));
  for (const char* verb : {"start", "state", "kill", "delete", "list", "spec", "check", "convert",
                           "features", "ps", "pause", "resume", "update", "events", "help"})
    EXPECT_FALSE(seals({verb, "run"})) << verb;
  EXPECT_FALSE(seals({}));
}

TEST(SealedView, GlobalFlagsAndTheirValuesComeFirst) {
  EXPECT_TRUE(seals({"--root", "/r", "run", "c1"}));
  EXPECT_TRUE(seals({"--root=/r", "--debug", "exec", "c1", "true"}));
  EXPECT_TRUE(seals({"-root", "/r", "--systemd-cgroup", "create", "c1"}));
  EXPECT_TRUE(seals({"--rootless", "true", "--log-format", "json", "--criu", "x", "run"}));
  // "run" is --log's value here, and "state" the verb.
  EXPECT_FALSE(seals({"--log", "run", "state", "c1"}));
  EXPECT_FALSE(seals({"--root", "exec"}));
  // A lone "-" is no flag: main.cpp takes it for the (unknown) verb.
  EXPECT_FALSE(seals({"-", "run"}));
}

TEST(SealedView, TheGlobalFlagsWithValuesAreThoseOfTheHelp) {
  // mcrun --help lists each global flag as "--name VALUE  text" or
  // "--name  text"; a flag with a value swallows the "run" after it.
  auto help = run_command({MCRUN_BINARY, "--help"});
  ASSERT_EQ(help.code, 0);
  std::istringstream lines(help.out.substr(help.out.find("global options:")));
  int checked = 0;
  for (std::string line; std::getline(lines, line) && !line.empty();) {
    size_t at = line.find("--");
    if (at == std::string::npos) continue;
    size_t end = line.find(' ', at);
    std::string flag = line.substr(at, end - at);
    bool takes_value = end != std::string::npos && end + 1 < line.size() && line[end + 1] != ' ';
    EXPECT_EQ(seals({flag, "run"}), !takes_value) << line;
    ++checked;
  }
  EXPECT_GE(checked, 9);
}

TEST(SealedView, TheTestsCanAskForTheMemfdCopy) {
  std::string forced = "MCRUN_TEST_SEAL=memfd", other = "MCRUN_TEST_SEAL=overlay";
  std::vector<char*> env = {other.data(), nullptr};
  EXPECT_FALSE(env_forces_memfd(env.data()));
  env = {other.data(), forced.data(), nullptr};
  EXPECT_TRUE(env_forces_memfd(env.data()));
}

}  // namespace
