// Faults and load: create killed at each step, inits that die early, many
// containers at once, racing creates of one id. Afterwards state and list
// tell the truth and delete --force leaves nothing (the fixture checks
// mounts, processes, cgroups and state directories after every test).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace mcrun::it {
namespace {

using Reliability = Container;

// mcrun without the fixture's reap-everything wait, safe to call from threads:
// everything is allocated before fork, since the child of a multithreaded
// process may only make async-signal-safe calls (another thread may have held
// the allocator's lock at the fork; this test hung in CI under ASan so).
int run_quiet(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::close_range(3, ~0U, 0);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

class CrashDuringCreate : public Container, public ::testing::WithParamInterface<const char*> {};

TEST_P(CrashDuringCreate, StateTellsTheTruthAndDeleteForceCleansUp) {
  write_config(config({"sleep", "1000"}));
  ::setenv("MCRUN_TEST_CRASH_AT", GetParam(), 1);
  auto r = mcrun({"create", "--bundle", bundle_, "c1"});
  ::unsetenv("MCRUN_TEST_CRASH_AT");
  EXPECT_EQ(r.code, 128 + SIGKILL) << r.err;
  // Its init dies with it (PDEATHSIG or the sync socket's EOF).
  EXPECT_TRUE(eventually([&] { return status("c1") == "stopped"; })) << status("c1");
  auto list = Json::parse(mcrun({"list", "--format", "json"}).out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["status"], "stopped");
  EXPECT_EQ(mcrun({"start", "c1"}).code, 1);
  auto d = mcrun({"delete", "--force", "c1"});
  EXPECT_EQ(d.code, 0) << d.err;
  EXPECT_FALSE(exists(state_ + "/c1"));
  // The id is free again.
  EXPECT_EQ(mcrun({"run", "--bundle", bundle_, "-d", "c1"}).code, 0);
  EXPECT_EQ(mcrun({"delete", "--force", "c1"}).code, 0);
}

INSTANTIATE_TEST_SUITE_P(Points, CrashDuringCreate,
                         ::testing::Values("before-clone", "after-clone", "before-go", "after-go",
                                           "before-state", "before-commit"),
                         [](const auto& p) {
                           std::string n = p.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

// run starts what it created over the sync socket, not the start socket: a
// run killed between the two leaves no init waiting for a start that nobody
// can give (there is no socket to connect to); it sees EOF and exits.
TEST_F(Reliability, RunKilledBetweenCreateAndStartLeavesNoInitBehind) {
  write_config(config({"sleep", "1000"}));
  ::setenv("MCRUN_TEST_CRASH_AT", "before-start", 1);
  auto r = mcrun({"run", "--bundle", bundle_, "c1"});
  ::unsetenv("MCRUN_TEST_CRASH_AT");
  EXPECT_EQ(r.code, 128 + SIGKILL) << r.err;
  EXPECT_FALSE(exists(state_ + "/c1/start.sock"));
  EXPECT_TRUE(eventually([&] { return status("c1") == "stopped"; })) << status("c1");
  auto d = mcrun({"delete", "c1"});
  EXPECT_EQ(d.code, 0) << d.err;
  EXPECT_FALSE(exists(state_ + "/c1"));
}

TEST_F(Reliability, InitKilledBeforeStart) {
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "c1"}).code, 0);
  ::kill(pid_of("c1"), SIGKILL);
  EXPECT_TRUE(eventually([&] { return status("c1") == "stopped"; }));
  auto s = mcrun({"start", "c1"});
  EXPECT_EQ(s.code, 1);
  EXPECT_EQ(s.err,
            "mcrun: start c1: cannot start container \"c1\": it is stopped (start needs a created "
            "container)\n");
  EXPECT_EQ(mcrun({"delete", "c1"}).code, 0);
}

TEST_F(Reliability, OnlyTheProcessesFdsReachIt) {
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  int n = 0;
  for ([[maybe_unused]] const auto& e :
       fs::directory_iterator("/proc/" + std::to_string(pid_of("c1")) + "/fd"))
    ++n;
  EXPECT_EQ(n, 3);  // stdin, stdout, stderr: nothing of mcrun leaked into the container
  EXPECT_EQ(mcrun({"delete", "--force", "c1"}).code, 0);
}

TEST_F(Reliability, FiftyParallelLifecycles) {
  write_config(config({"sleep", "1000"}));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      std::string id = "p" + std::to_string(i);
      std::vector<std::string> base = {MCRUN_BINARY, "--root", state_};
      auto cmd = [&](std::vector<std::string> rest) {
        auto all = base;
        all.insert(all.end(), rest.begin(), rest.end());
        return run_quiet(all);
      };
      if (cmd({"create", "--bundle", bundle_, id}) != 0 || cmd({"start", id}) != 0 ||
          cmd({"kill", id, "KILL"}) != 0)
        ++failures;
      for (int tries = 0; cmd({"delete", id}) != 0; ++tries) {
        if (tries > 200) {
          ++failures;
          break;
        }
        ::usleep(10000);  // until the killed init is gone
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(fs::is_empty(state_));
}

TEST_F(Reliability, RacingCreatesOfOneIdHaveExactlyOneWinner) {
  write_config(config({"sleep", "1000"}));
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i)
    threads.emplace_back([&] {
      if (run_quiet({MCRUN_BINARY, "--root", state_, "create", "--bundle", bundle_, "same"}) == 0)
        ++wins;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(status("same"), "created");
  EXPECT_EQ(mcrun({"delete", "--force", "same"}).code, 0);
}

TEST_F(Reliability, HostileInputsAreClearErrorsThatChangeNothing) {
  struct Case {
    std::string config;
    std::string error_fragment;
  };
  std::string huge = "{\"ociVersion\":\"1.0.0\",\"x\":\"" + std::string(20 << 20, 'a') + "\"}";
  for (const auto& c : std::vector<Case>{
           {"", "config.json: invalid JSON"},
           {"{\"ociVersion\": \"1.0", "config.json: invalid JSON"},
           {std::string(1000, '['), "nested deeper than 64 levels"},
           {huge, "larger than"},
           {"{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"nope\"},\"process\":{\"user\":{\"uid\":"
            "0,\"gid\":0},\"args\":[\"sh\"],\"cwd\":\"/"
            "\"},\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}",
            "root.path"},
       }) {
    write_file(bundle_ + "/config.json", c.config);
    auto r = mcrun({"create", "--bundle", bundle_, "c1"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find(c.error_fragment), std::string::npos) << r.err;
    EXPECT_FALSE(exists(state_ + "/c1"));
  }
  EXPECT_EQ(mcrun({"kill", "c1", "SIGFOO"}).err, "mcrun: unknown signal \"SIGFOO\"\n");
  auto unreadable = mcrun({"create", "--bundle", tmp_ + "/no-such-bundle", "c1"});
  EXPECT_EQ(unreadable.err, "mcrun: create c1: bundle \"" + tmp_ + "/no-such-bundle\": ENOENT\n");
}

}  // namespace
}  // namespace mcrun::it
