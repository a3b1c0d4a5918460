// The lifecycle verbs against real containers (runtime.md "Operations").
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace mcrun::it {
namespace {

using Lifecycle = Container;

TEST_F(Lifecycle, CreateStartKillDelete) {
  write_config(config({"sh", "-c", "touch /started; exec sleep 1000"}));
  auto c = mcrun({"create", "--bundle", bundle_, "--pid-file", tmp_ + "/pid", "c1"});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(status("c1"), "created");
  int pid = pid_of("c1");
  ASSERT_GT(pid, 0);
  EXPECT_EQ(read_file(tmp_ + "/pid"), std::to_string(pid));  // written before create returned
  // The user process does not run before start.
  EXPECT_FALSE(exists(rootfs_ + "/started"));
  auto state = Json::parse(mcrun({"state", "c1"}).out);
  EXPECT_EQ(state["id"], "c1");
  EXPECT_EQ(state["bundle"], bundle_);
  EXPECT_EQ(state["ociVersion"], "1.3.0");
  EXPECT_TRUE(state.contains("created") && state.contains("rootfs") && state.contains("owner"));

  auto s = mcrun({"start", "c1"});
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_EQ(status("c1"), "running");
  EXPECT_TRUE(eventually([&] { return exists(rootfs_ + "/started"); }));
  EXPECT_EQ(pid_of("c1"), pid);  // the user process is the init, exec'd in place

  EXPECT_EQ(mcrun({"kill", "c1", "KILL"}).code, 0);
  EXPECT_TRUE(eventually([&] { return status("c1") == "stopped"; }));
  auto d = mcrun({"delete", "c1"});
  EXPECT_EQ(d.code, 0) << d.err;
  EXPECT_FALSE(exists(state_ + "/c1"));
  EXPECT_EQ(mcrun({"state", "c1"}).code, 1);
}

TEST_F(Lifecycle, VerbsRefuseTheWrongStatus) {
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "c1"}).code, 0);
  auto del = mcrun({"delete", "c1"});
  EXPECT_EQ(del.code, 1);
  EXPECT_EQ(del.err,
            "mcrun: delete c1: cannot delete container \"c1\": it is created (stop it first, or "
            "use --force)\n");
  ASSERT_EQ(mcrun({"start", "c1"}).code, 0);
  auto again = mcrun({"start", "c1"});
  EXPECT_EQ(again.code, 1);
  EXPECT_EQ(again.err,
            "mcrun: start c1: cannot start container \"c1\": it is running (start needs a created "
            "container)\n");
  ASSERT_EQ(mcrun({"kill", "c1", "9"}).code, 0);
  ASSERT_TRUE(eventually([&] { return status("c1") == "stopped"; }));
  auto kill = mcrun({"kill", "c1"});
  EXPECT_EQ(kill.code, 1);
  EXPECT_EQ(
      kill.err,
      "mcrun: kill c1: cannot kill container \"c1\": container not running (it is stopped)\n");
  auto start = mcrun({"start", "c1"});
  EXPECT_EQ(start.code, 1);
  EXPECT_EQ(mcrun({"delete", "c1"}).code, 0);
}

TEST_F(Lifecycle, UnknownIds) {
  EXPECT_EQ(mcrun({"state", "nope"}).err, "mcrun: container \"nope\" does not exist: ENOENT\n");
  EXPECT_EQ(mcrun({"start", "nope"}).code, 1);
  EXPECT_EQ(mcrun({"kill", "nope"}).code, 1);
  EXPECT_EQ(mcrun({"delete", "nope"}).code, 1);
  EXPECT_EQ(mcrun({"delete", "--force", "nope"}).code, 0);  // clients always call it after delete
  for (const char* bad : {"", "..", "a/b", "../x"}) {
    auto r = mcrun({"create", "--bundle", bundle_, bad});
    EXPECT_EQ(r.code, 1) << bad;
  }
}

TEST_F(Lifecycle, DuplicateIdFails) {
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "c1"}).code, 0);
  auto dup = mcrun({"create", "--bundle", bundle_, "c1"});
  EXPECT_EQ(dup.code, 1);
  EXPECT_EQ(dup.err, "mcrun: create c1: container \"c1\" already exists\n");
  EXPECT_EQ(status("c1"), "created");  // the first one is untouched
  EXPECT_EQ(mcrun({"delete", "--force", "c1"}).code, 0);
}

TEST_F(Lifecycle, MalformedConfigFailsAndLeavesNothing) {
  Json c = config({"true"});
  c["mounts"][1]["destination"] = "dev";
  write_config(c);
  auto r = mcrun({"create", "--bundle", bundle_, "c1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "mcrun: create c1: config.json: /mounts/1/destination: must be an absolute path\n");
  EXPECT_FALSE(exists(state_ + "/c1"));
}

TEST_F(Lifecycle, FailedSetupReportsTheChildsErrorAndLeavesNothing) {
  Json c = config({"true"});
  c["mounts"].push_back({{"destination", "/data"},
                         {"type", "bind"},
                         {"source", "/nonexistent-mcrun-src"},
                         {"options", {"rbind"}}});
  write_config(c);
  auto r = mcrun({"create", "--bundle", bundle_, "c1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "mcrun: create c1: mount \"/data\" (bind from \"/nonexistent-mcrun-src\"): stat "
            "\"/nonexistent-mcrun-src\": ENOENT\n");
  EXPECT_FALSE(exists(state_ + "/c1"));
}

TEST_F(Lifecycle, ProgramNotFound) {
  auto r = run(config({"no-such-program"}));
  EXPECT_EQ(r.code, 127);
  EXPECT_EQ(r.err,
            "mcrun: run c1: exec: \"no-such-program\": executable file not found in $PATH\n");
  EXPECT_FALSE(exists(state_ + "/c1"));
}

TEST_F(Lifecycle, RunPropagatesTheExitStatus) {
  EXPECT_EQ(run(config({"sh", "-c", "exit 7"})).code, 7);
  EXPECT_EQ(run(config({"true"})).code, 0);
  EXPECT_FALSE(exists(state_ + "/c1"));  // deleted after run
}

// runc run's --no-subreaper: accepted (mcrun run is never a subreaper),
// where it was an unknown flag.
TEST_F(Lifecycle, RunAcceptsNoSubreaper) {
  write_config(config({"sh", "-c", "exit 3"}));
  auto r = mcrun({"run", "--no-subreaper", "--bundle", bundle_, "c1"});
  EXPECT_EQ(r.code, 3) << r.err;
}

TEST_F(Lifecycle, RunReportsDeathBySignal) {
  write_config(config({"sleep", "1000"}));
  pid_t runner = ::fork();
  if (runner == 0) {
    ::execl(MCRUN_BINARY, MCRUN_BINARY, "--root", state_.c_str(), "run", "--bundle",
            bundle_.c_str(), "c1", nullptr);
    _exit(126);
  }
  ASSERT_TRUE(eventually([&] { return status("c1") == "running"; }));
  // Killed directly, not through `mcrun kill`: the fixture's mcrun() reaps
  // every dead child of ours while it waits, the runner too if it is
  // quick to report (it was, under ASan in CI: the waitpid below saw none).
  ASSERT_EQ(::kill(pid_of("c1"), SIGKILL), 0);
  int st = 0;
  ASSERT_TRUE(exits_within(runner, 10000, &st));
  EXPECT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 128 + SIGKILL);
}

TEST_F(Lifecycle, RunForwardsSignals) {
  // sh as PID 1 only receives signals it handles: trap TERM and exit 3. It
  // says when the trap is set; every wait is bounded.
  write_config(
      config({"sh", "-c", "trap 'exit 3' TERM; touch /trapped; while true; do sleep 0.05; done"}));
  pid_t runner = ::fork();
  if (runner == 0) {
    ::execl(MCRUN_BINARY, MCRUN_BINARY, "--root", state_.c_str(), "run", "--bundle",
            bundle_.c_str(), "c1", nullptr);
    _exit(126);
  }
  bool trapped = eventually([&] { return exists(rootfs_ + "/trapped"); });
  EXPECT_TRUE(trapped);
  ::kill(runner, SIGTERM);
  int st = 0;
  bool exited = exits_within(runner, 10000, &st);
  if (!exited) ::kill(runner, SIGKILL), ::waitpid(runner, &st, 0);
  EXPECT_TRUE(exited) << "run did not exit after SIGTERM";
  EXPECT_EQ(WEXITSTATUS(st), 3);
}

// A created container's init is pid 1 of its namespace, which the kernel
// shields from every signal it has no handler for. As with runc, TERM (and
// HUP, INT, QUIT) still stop it; USR1 is ignored; after start, signals are the
// program's own business (sleep as pid 1 ignores TERM).
TEST_F(Lifecycle, KillTermStopsACreatedContainer) {
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "c1"}).code, 0);
  ASSERT_EQ(mcrun({"kill", "c1", "USR1"}).code, 0);
  ::usleep(100000);
  EXPECT_EQ(status("c1"), "created");
  ASSERT_EQ(mcrun({"kill", "c1", "TERM"}).code, 0);
  EXPECT_TRUE(eventually([&] { return status("c1") == "stopped"; }));
  EXPECT_EQ(mcrun({"delete", "c1"}).code, 0);

  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c2"}).code, 0);
  ASSERT_EQ(mcrun({"kill", "c2", "TERM"}).code, 0);
  ::usleep(100000);
  EXPECT_EQ(status("c2"), "running");
  EXPECT_EQ(mcrun({"delete", "--force", "c2"}).code, 0);
}

// The program starts with every signal at SIG_DFL, whatever mcrun's caller
// ignored (nohup's HUP, a shell's USR2) and mcrun itself ignores (PIPE):
// exec keeps an ignored signal ignored, so the init resets it. Both for the
// init's program and for exec's.
TEST_F(Lifecycle, TheProgramStartsWithNoSignalIgnored) {
  write_config(config({"grep", "-E", "^Sig(Ign|Cgt)", "/proc/self/status"}));
  struct sigaction ign {
  }, old_hup{}, old_usr2{};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGHUP, &ign, &old_hup);
  ::sigaction(SIGUSR2, &ign, &old_usr2);
  auto r = mcrun({"run", "--bundle", bundle_, "c1"});
  write_config(config({"sleep", "1000"}));
  auto d = mcrun({"run", "-d", "--bundle", bundle_, "c2"});
  auto e = mcrun({"exec", "c2", "grep", "-E", "^Sig(Ign|Cgt)", "/proc/self/status"});
  ::sigaction(SIGHUP, &old_hup, nullptr);
  ::sigaction(SIGUSR2, &old_usr2, nullptr);
  const std::string none = "SigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n";
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, none);
  ASSERT_EQ(d.code, 0) << d.err;
  EXPECT_EQ(e.code, 0) << e.err;
  EXPECT_EQ(e.out, none);
  EXPECT_EQ(mcrun({"delete", "--force", "c2"}).code, 0);
}

TEST_F(Lifecycle, RunDetached) {
  write_config(config({"sleep", "1000"}));
  auto r = mcrun({"run", "--detach", "--bundle", bundle_, "c1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(status("c1"), "running");
  EXPECT_EQ(mcrun({"delete", "--force", "c1"}).code, 0);
  EXPECT_FALSE(exists(state_ + "/c1"));
}

TEST_F(Lifecycle, ListShowsEveryContainer) {
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "a"}).code, 0);
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "b"}).code, 0);
  auto json = Json::parse(mcrun({"list", "--format", "json"}).out);
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["id"], "a");
  EXPECT_EQ(json[0]["status"], "created");
  EXPECT_EQ(json[1]["status"], "running");
  auto table = mcrun({"list"}).out;
  EXPECT_TRUE(table.starts_with("ID ")) << table;
  EXPECT_EQ(mcrun({"list", "-q"}).out, "a\nb\n");
}

TEST_F(Lifecycle, DeleteForceKillsACreatedOrRunningContainer) {
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "a"}).code, 0);
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "b"}).code, 0);
  int a = pid_of("a"), b = pid_of("b");
  EXPECT_EQ(mcrun({"delete", "--force", "a"}).code, 0);
  EXPECT_EQ(mcrun({"delete", "-f", "b"}).code, 0);
  EXPECT_TRUE(eventually([&] {
    return !exists("/proc/" + std::to_string(a) + "/ns") &&
           !exists("/proc/" + std::to_string(b) + "/ns");
  }));
}

TEST_F(Lifecycle, StatusIsDerivedFromTheLiveProcess) {
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  ::kill(pid_of("c1"), SIGKILL);  // behind mcrun's back
  EXPECT_TRUE(eventually([&] { return status("c1") == "stopped"; }));
  auto st = Json::parse(mcrun({"state", "c1"}).out);
  EXPECT_FALSE(st.contains("pid"));
  EXPECT_EQ(mcrun({"delete", "c1"}).code, 0);
}

TEST_F(Lifecycle, CrashedCreateIsCleanedByDeleteForce) {
  // What a create killed before it wrote its state leaves: the directory.
  fs::create_directories(state_ + "/c1");
  EXPECT_EQ(status("c1"), "stopped");
  EXPECT_EQ(mcrun({"delete", "--force", "c1"}).code, 0);
  EXPECT_FALSE(exists(state_ + "/c1"));
}

TEST_F(Lifecycle, EmptyOrMissingStateStillDeletesWithForce) {
  // An empty state.json (a crash mid-write on a filesystem without
  // rename atomicity), then one with the init note gone too: delete --force
  // removes what it can still find and says what it could not.
  for (bool note_too : {false, true}) {
    Json c = config({"sleep", "1000"});
    c["linux"]["resources"]["pids"] = {{"limit", 10}};
    write_config(c);
    ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "c1"}).code, 0);
    int pid = pid_of("c1");
    write_file(state_ + "/c1/state.json", "");
    if (note_too) {
      ASSERT_EQ(mcrun({"kill", "c1", "KILL"}).code, 1);  // no record: nothing to signal by
      ::kill(pid, SIGKILL);
      ::unlink((state_ + "/c1/init").c_str());
    }
    auto d = mcrun({"delete", "--force", "c1"});
    EXPECT_EQ(d.code, 0) << d.err;
    EXPECT_FALSE(exists(state_ + "/c1"));
    EXPECT_EQ(
        d.err,
        note_too
            ? "mcrun: warning: container \"c1\": no readable record of its init: if any of its "
              "processes or its cgroup are left, they are not found and not removed\n"
            : "");
    EXPECT_TRUE(eventually([&] { return !exists("/proc/" + std::to_string(pid) + "/ns"); }));
    if (note_too)  // it said so: this test removes what was left
      for (const char* ctl : {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio",
                              "pids", "hugetlb", "net_cls", "net_prio", "systemd", "unified"})
        ::rmdir(cgroup_dir("/mcrun/c1", ctl).c_str());
    EXPECT_FALSE(exists(cgroup_dir("/mcrun/c1", "pids")));
  }
}

TEST_F(Lifecycle, CorruptStateIsAClearErrorAndDeleteForceCleans) {
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "c1"}).code, 0);
  int pid = pid_of("c1");
  write_file(state_ + "/c1/state.json", "{\"truncated");
  auto st = mcrun({"state", "c1"});
  EXPECT_EQ(st.code, 1);
  EXPECT_TRUE(st.err.find("state.json: invalid JSON") != std::string::npos) << st.err;
  EXPECT_EQ(mcrun({"delete", "c1"}).code, 1);
  auto d = mcrun({"delete", "--force", "c1"});
  EXPECT_EQ(d.code, 0) << d.err;
  EXPECT_FALSE(exists(state_ + "/c1"));
  EXPECT_TRUE(eventually([&] { return !exists("/proc/" + std::to_string(pid) + "/ns"); }));
}

// As `runc ps ID [ps options]`: the table is ps(1)'s own (`-ef` by
// default), its header and the container's lines only. mcrun printed a
// table of its own and took no ps options.
TEST_F(Lifecycle, PsPrintsPsOwnTableWithTheContainersLinesOnly) {
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  ASSERT_EQ(mcrun({"exec", "-d", "c1", "sleep", "999"}).code, 0);
  auto pids = Json::parse(mcrun({"ps", "--format", "json", "c1"}).out);
  ASSERT_EQ(pids.size(), 2u);
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  };
  auto ef = mcrun({"ps", "c1"});
  ASSERT_EQ(ef.code, 0) << ef.err;
  auto table = lines(ef.out);
  ASSERT_EQ(table.size(), 3u) << ef.out;
  EXPECT_TRUE(table[0].starts_with("UID ") && table[0].find(" PID ") != std::string::npos);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_NE(ef.out.find(" " + std::to_string(pids[i].get<int>()) + " "), std::string::npos);
  auto own = mcrun({"ps", "c1", "--", "-o", "pid,args"});
  ASSERT_EQ(own.code, 0) << own.err;
  auto rows = lines(own.out);
  ASSERT_EQ(rows.size(), 3u) << own.out;
  EXPECT_NE(rows[0].find("PID COMMAND"), std::string::npos) << own.out;
  EXPECT_NE(own.out.find(std::to_string(pids[1].get<int>()) + " sleep 999"), std::string::npos)
      << own.out;
}

// runc's spellings: any case with or without "SIG", and 0, which sends
// nothing and says whether the container is still running.
TEST_F(Lifecycle, KillTakesRuncsSignalSpellingsAndZero) {
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  EXPECT_EQ(mcrun({"kill", "c1", "0"}).code, 0);
  EXPECT_EQ(mcrun({"kill", "c1", "sigcont"}).code, 0);
  EXPECT_EQ(mcrun({"kill", "c1", "sigkill"}).code, 0);
  ASSERT_TRUE(eventually([&] { return status("c1") == "stopped"; }));
  auto gone = mcrun({"kill", "c1", "0"});
  EXPECT_NE(gone.code, 0);
  EXPECT_NE(gone.err.find("container not running"), std::string::npos) << gone.err;
}

}  // namespace
}  // namespace mcrun::it
