// OCI hooks at their moments: what state each phase receives, in which mount
// namespace it runs, and what a failure does to the container.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace mcrun::it {
namespace {

class Hooks : public Container {
 protected:
  void SetUp() override {
    Container::SetUp();
    out_ = tmp_ + "/hook-out";
    fs::create_directories(out_);
    // Records the state it gets on stdin and the mount namespace it runs in.
    script_ = tmp_ + "/record.sh";
    write_file(script_,
               "cat > \"$2/$1.json\"; readlink /proc/self/ns/mnt > \"$2/$1.mnt\"; echo $1 >> "
               "\"$2/order\"\n");
    write_file(rootfs_ + "/record.sh", read_file(script_));
  }
  Json hook(const std::string& phase, const std::string& dir = "") {
    return {{"path", "/bin/sh"}, {"args", {"sh", script_, phase, dir.empty() ? out_ : dir}}};
  }
  Json with_all_phases(std::vector<std::string> args) {
    Json c = config(std::move(args));
    c["mounts"].push_back(
        {{"destination", "/hook-out"}, {"type", "bind"}, {"source", out_}, {"options", {"rbind"}}});
    c["hooks"] = {
        {"prestart", {hook("prestart")}},
        {"createRuntime", {hook("createRuntime")}},
        {"createContainer", {hook("createContainer")}},
        {"startContainer",
         {{{"path", "/bin/sh"}, {"args", {"sh", "/record.sh", "startContainer", "/hook-out"}}}}},
        {"poststart", {hook("poststart")}},
        {"poststop", {hook("poststop")}}};
    return c;
  }
  Json state_of(const std::string& phase) {
    return Json::parse(read_file(out_ + "/" + phase + ".json"));
  }
  std::string mnt_of(const std::string& phase) { return read_file(out_ + "/" + phase + ".mnt"); }
  std::string out_, script_;
};

std::string mnt_ns(int pid) {
  char buf[64] = {};
  ::readlink(("/proc/" + std::to_string(pid) + "/ns/mnt").c_str(), buf, sizeof buf - 1);
  return std::string(buf) + "\n";
}

TEST_F(Hooks, EachPhaseGetsTheRightStateInTheRightNamespace) {
  write_config(with_all_phases({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "c1"}).code, 0);
  int pid = pid_of("c1");
  ASSERT_GT(pid, 0) << mcrun({"state", "c1"}).err;
  std::string host = mnt_ns(getpid()), container = mnt_ns(pid);
  ASSERT_NE(host, container);
  for (const char* phase : {"prestart", "createRuntime", "createContainer"}) {
    Json s = state_of(phase);
    EXPECT_EQ(s["id"], "c1") << phase;
    EXPECT_EQ(s["status"], "created") << phase;  // as crun (runtime-tools' hooks_stdin)
    EXPECT_EQ(s["pid"], pid) << phase;
    EXPECT_EQ(s["bundle"], bundle_) << phase;
  }
  EXPECT_EQ(mnt_of("prestart"), host);
  EXPECT_EQ(mnt_of("createRuntime"), host);
  EXPECT_EQ(mnt_of("createContainer"), container);
  EXPECT_FALSE(exists(out_ + "/startContainer.json"));  // not before start

  ASSERT_EQ(mcrun({"start", "c1"}).code, 0);
  EXPECT_EQ(state_of("startContainer")["status"], "created");
  EXPECT_EQ(mnt_of("startContainer"), container);
  EXPECT_EQ(state_of("poststart")["status"], "running");
  EXPECT_EQ(state_of("poststart")["pid"], pid);
  EXPECT_EQ(mnt_of("poststart"), host);

  ASSERT_EQ(mcrun({"kill", "c1", "KILL"}).code, 0);
  ASSERT_TRUE(eventually([&] { return status("c1") == "stopped"; }));
  ASSERT_EQ(mcrun({"delete", "c1"}).code, 0);
  EXPECT_EQ(state_of("poststop")["status"], "stopped");
  EXPECT_EQ(read_file(out_ + "/order"),
            "prestart\ncreateRuntime\ncreateContainer\nstartContainer\npoststart\npoststop\n");
}

// The program has not run while the startContainer hooks do: the container
// is still "created" (runtime.md: "running" is after the program executed),
// whether `start` or `run` starts it (run has no start socket to tell by).
TEST_F(Hooks, StateSaysCreatedWhileStartContainerHooksRun) {
  for (bool by_run : {false, true}) {
    SCOPED_TRACE(by_run ? "run -d" : "create, start");
    fs::remove(out_ + "/in-hook"), fs::remove(out_ + "/go");
    Json c = config({"sleep", "1000"});
    c["mounts"].push_back(
        {{"destination", "/hook-out"}, {"type", "bind"}, {"source", out_}, {"options", {"rbind"}}});
    c["hooks"]["startContainer"] = {
        {{"path", "/bin/sh"},
         {"args",
          {"sh", "-c",
           "touch /hook-out/in-hook; i=0; while [ ! -e /hook-out/go ] && [ $i -lt 200 ]; do "
           "sleep 0.05; i=$((i+1)); done"}}}};
    write_config(c);
    if (!by_run) {
      ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "c1"}).code, 0);
    }
    pid_t runner = ::fork();
    if (runner == 0) {
      if (by_run)
        ::execl(MCRUN_BINARY, MCRUN_BINARY, "--root", state_.c_str(), "run", "-d", "--bundle",
                bundle_.c_str(), "c1", nullptr);
      else
        ::execl(MCRUN_BINARY, MCRUN_BINARY, "--root", state_.c_str(), "start", "c1", nullptr);
      _exit(126);
    }
    bool in_hook = eventually([&] { return exists(out_ + "/in-hook"); });
    std::string during = status("c1");
    write_file(out_ + "/go", "");
    int st = 0;
    ASSERT_TRUE(exits_within(runner, 20000, &st));
    ASSERT_TRUE(in_hook);
    EXPECT_EQ(during, "created");
    EXPECT_EQ(st, 0);
    EXPECT_EQ(status("c1"), "running");
    ASSERT_EQ(mcrun({"delete", "--force", "c1"}).code, 0);
  }
}

TEST_F(Hooks, SeveralHooksOfOnePhaseRunInOrder) {
  Json c = config({"true"});
  c["hooks"]["createRuntime"] = {hook("first"), hook("second"), hook("third")};
  EXPECT_EQ(run(c).code, 0);
  EXPECT_EQ(read_file(out_ + "/order"), "first\nsecond\nthird\n");
}

TEST_F(Hooks, FailingCreateRuntimeHookAbortsCreateAndLeavesNothing) {
  Json c = config({"sleep", "1000"});
  c["hooks"]["createRuntime"] = {
      {{"path", "/bin/sh"}, {"args", {"sh", "-c", "echo no network >&2; exit 2"}}}};
  write_config(c);
  auto r = mcrun({"create", "--bundle", bundle_, "c1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "mcrun: create c1: hook createRuntime[0] /bin/sh exited with status 2: no network\n");
  EXPECT_FALSE(exists(state_ + "/c1"));
}

TEST_F(Hooks, FailingCreateContainerHookAbortsCreateAndRunsPoststop) {
  Json c = config({"sleep", "1000"});
  c["hooks"]["createContainer"] = {{{"path", "/bin/false"}}};
  c["hooks"]["poststop"] = {hook("poststop")};
  write_config(c);
  auto r = mcrun({"create", "--bundle", bundle_, "c1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "mcrun: create c1: hook createContainer[0] /bin/false exited with status 1\n");
  EXPECT_FALSE(exists(state_ + "/c1"));
  // runtime.md: a failed create-phase hook continues the lifecycle at destroy + poststop.
  EXPECT_EQ(state_of("poststop")["status"], "stopped");
}

TEST_F(Hooks, TimedOutHookIsKilledAndFailsCreate) {
  Json c = config({"true"});
  c["hooks"]["prestart"] = {{{"path", "/bin/sleep"}, {"args", {"sleep", "60"}}, {"timeout", 1}}};
  write_config(c);
  auto start = std::chrono::steady_clock::now();
  auto r = mcrun({"create", "--bundle", bundle_, "c1"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "mcrun: create c1: hook prestart[0] /bin/sleep timed out after 1s\n");
  EXPECT_FALSE(exists(state_ + "/c1"));
}

TEST_F(Hooks, FailingStartContainerHookFailsStart) {
  Json c = config({"sleep", "1000"});
  c["hooks"]["startContainer"] = {{{"path", "/bin/false"}}};
  write_config(c);
  ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "c1"}).code, 0);
  auto r = mcrun({"start", "c1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "mcrun: start c1: hook startContainer[0] /bin/false exited with status 1\n");
  EXPECT_TRUE(eventually([&] { return status("c1") == "stopped"; }));
}

TEST_F(Hooks, FailingPoststartHookStopsTheContainer) {
  Json c = config({"sleep", "1000"});
  c["hooks"]["poststart"] = {{{"path", "/bin/false"}}};
  write_config(c);
  ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "c1"}).code, 0);
  EXPECT_EQ(mcrun({"start", "c1"}).code, 1);
  EXPECT_TRUE(eventually([&] { return status("c1") == "stopped"; }));
}

TEST_F(Hooks, FailingPoststopHookIsOnlyAWarningAndTheOthersStillRun) {
  // runtime-spec: a failing poststop hook is logged as a warning, and the
  // remaining hooks and the lifecycle continue.
  Json c = config({"true"});
  c["hooks"]["poststop"] = {
      {{"path", "/bin/false"}},
      {{"path", "/bin/sh"}, {"args", {"sh", "-c", "touch " + out_ + "/second-ran"}}}};
  auto r = run(c);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "mcrun: warning: hook poststop[0] /bin/false exited with status 1\n");
  EXPECT_TRUE(exists(out_ + "/second-ran"));
  EXPECT_FALSE(exists(state_ + "/c1"));
}

TEST_F(Hooks, ConverterAttachesHooks) {
  auto c = mcrun({"convert", "--work-dir", tmp_ + "/sandbox", "--bundle", tmp_ + "/mb", "--hook",
                  "createRuntime=/bin/sh," + script_ + ",from-convert," + out_, "--", "/bin/true"});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(mcrun({"run", "--bundle", tmp_ + "/mb", "t"}).code, 0);
  EXPECT_EQ(read_file(out_ + "/order"), "from-convert\n");
}

}  // namespace
}  // namespace mcrun::it
