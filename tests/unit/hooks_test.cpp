// Running one hook: stdin state, env, args, exit status, output, timeout.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "hooks/hook.hpp"
#include "test_util.hpp"

using namespace mcrun;

namespace {

class Hooks : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mcrun-hooks-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  spec::Hook sh(const std::string& script) {
    spec::Hook h;
    h.path = "/bin/sh";
    h.args = {"sh", "-c", script};
    return h;
  }
  std::string dir_;
};

TEST_F(Hooks, ReceivesStateOnStdinAndItsEnv) {
  spec::Hook h = sh("cat > " + dir_ + "/state; echo \"$GREETING\" > " + dir_ + "/env");
  h.env = {"GREETING=hello"};
  ASSERT_TRUE(hooks::run_hook(h, R"({"id":"c1"})", "createRuntime[0]"));
  EXPECT_EQ(read_text(dir_ + "/state"), R"({"id":"c1"})");
  EXPECT_EQ(read_text(dir_ + "/env"), "hello\n");
}

TEST_F(Hooks, ArgsDefaultToThePath) {
  spec::Hook h;
  h.path = "/bin/true";
  EXPECT_TRUE(hooks::run_hook(h, "{}", "poststart[0]"));
}

TEST_F(Hooks, FailureNamesPhasePathStatusAndOutput) {
  auto r = hooks::run_hook(sh("echo broken >&2; exit 3"), "{}", "createRuntime[1]");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "hook createRuntime[1] /bin/sh exited with status 3: broken");
}

TEST_F(Hooks, MissingProgram) {
  spec::Hook h;
  h.path = "/nonexistent/hook";
  auto r = hooks::run_hook(h, "{}", "prestart[0]");
  ASSERT_FALSE(r);
  EXPECT_EQ(
      r.error().message,
      "hook prestart[0] /nonexistent/hook exited with status 127: exec /nonexistent/hook: ENOENT");
}

TEST_F(Hooks, TimeoutKillsIt) {
  spec::Hook h = sh("sleep 30");
  h.timeout = 1;
  auto start = std::chrono::steady_clock::now();
  auto r = hooks::run_hook(h, "{}", "poststop[0]");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "hook poststop[0] /bin/sh timed out after 1s");
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST_F(Hooks, ADaemonHoldingTheOutputDoesNotHangUs) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(hooks::run_hook(sh("sleep 5 & exit 0"), "{}", "createRuntime[0]"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(Hooks, PhaseRunsInOrderAndStopsAtFirstFailure) {
  std::vector<spec::Hook> list = {sh("echo 1 >> " + dir_ + "/order"),
                                  sh("echo 2 >> " + dir_ + "/order; exit 1"),
                                  sh("echo 3 >> " + dir_ + "/order")};
  auto r = hooks::run_phase(list, spec::HookPhase::Poststart, "{}");
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with("hook poststart[1] /bin/sh exited with status 1"));
  EXPECT_EQ(read_text(dir_ + "/order"), "1\n2\n");
}

}  // namespace
