// Rootless: mcrun run by an ordinary user (a uid with no passwd entry, so
// only a mapping of its own id is possible without newuidmap); the fixture
// drops to it before exec. The bundle is `mcrun spec --rootless`, as that user writes it.
#include <sys/stat.h>

#include <filesystem>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace mcrun::it {
namespace {

constexpr uid_t kUid = 61234;

class Rootless : public Container {
 protected:
  void SetUp() override {
    Container::SetUp();
    // The user reaches the bundle and owns its runtime directory, where the
    // state goes by default.
    ASSERT_EQ(::chmod(tmp_.c_str(), 0755), 0);
    xdg_ = tmp_ + "/xdg";
    fs::create_directories(xdg_);
    ASSERT_EQ(::chown(xdg_.c_str(), kUid, kUid), 0);
    ASSERT_EQ(::chown(bundle_.c_str(), kUid, kUid), 0);
    state_ = xdg_ + "/mcrun";
    as_user_ = kUid;
    user_env_ = {"XDG_RUNTIME_DIR=" + xdg_, "PATH=/usr/bin:/bin"};
    default_root_ = true;
  }
  // `mcrun spec --rootless` written by the user, with these args.
  Json rootless_config(std::vector<std::string> args) {
    EXPECT_EQ(mcrun({"spec", "--rootless", "--bundle", bundle_}).code, 0);
    Json c = Json::parse(read_file(bundle_ + "/config.json"));
    c["process"]["args"] = args;
    c["root"]["path"] = rootfs_;
    return c;
  }
  std::string xdg_;
};

TEST_F(Rootless, RunsAsItsOwnIdMappedToRootWithStateUnderXdgRuntimeDir) {
  Json c = rootless_config(
      {"sh", "-c",
       "id -u; cat /proc/self/uid_map; test -d /sys/kernel && echo sys; echo x > /dev/null && "
       "echo null-ok; echo $$"});
  write_config(c);
  auto r = mcrun({"run", "--bundle", bundle_, "c1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "0\n         0      61234          1\nsys\nnull-ok\n1\n");

  ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "c2"}).code, 0);
  struct stat st;
  ASSERT_EQ(::stat((xdg_ + "/mcrun/c2").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, kUid);
  EXPECT_EQ(mcrun({"delete", "--force", "c2"}).code, 0);
  EXPECT_FALSE(fs::exists(xdg_ + "/mcrun/c2"));
}

// A config that asks for sysfs (mcrun spec's own /sys, runc's before
// ToRootless): the kernel refuses a new sysfs without a network namespace of
// the user's, so the host's /sys is bound read-only instead.
TEST_F(Rootless, ASysfsMountFallsBackToABindOfTheHostsSys) {
  Json c = rootless_config({"sh", "-c", "test -d /sys/kernel && echo sys; touch /sys/x || true"});
  for (auto& m : c["mounts"])
    if (m["destination"] == "/sys")
      m = {{"destination", "/sys"},
           {"type", "sysfs"},
           {"source", "sysfs"},
           {"options", {"nosuid", "noexec", "nodev", "ro"}}};
  write_config(c);
  auto r = mcrun({"run", "--bundle", bundle_, "c1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "sys\n");
  EXPECT_NE(r.err.find("Read-only file system"), std::string::npos) << r.err;
}

// The user's own container gets a time namespace too: made inside its user
// namespace (which owns it, so the offsets may be written there), not by
// the unprivileged parent, which could not.
TEST_F(Rootless, ATimeNamespaceWithOffsets) {
  Json c = rootless_config({"sh", "-c", "tr -s ' ' < /proc/self/timens_offsets"});
  c["linux"]["namespaces"].push_back({{"type", "time"}});
  c["linux"]["timeOffsets"] = {{"monotonic", {{"secs", 7}}}};
  write_config(c);
  auto r = mcrun({"run", "--bundle", bundle_, "c1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "monotonic 7 0\nboottime 0 0\n");
}

// No cgroup is made (none is delegated), so a limit cannot be applied: it is
// refused, never dropped, and nothing is left behind.
TEST_F(Rootless, LimitsWithoutADelegatedCgroupAreRefused) {
  Json c = rootless_config({"true"});
  c["linux"]["resources"] = {{"memory", {{"limit", 64 << 20}}}};
  write_config(c);
  auto r = mcrun({"run", "--bundle", bundle_, "c1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("config.json: /linux/resources: cannot be applied rootless without a "
                       "delegated cgroup"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(!fs::exists(state_) || fs::is_empty(state_));
}

// podman's default for a rootless user is the systemd driver on cgroup v2
// only; on v1 a user's systemd has no controllers to delegate, and the scope
// would be a name=systemd directory, nowhere for a limit to go.
TEST_F(Rootless, TheSystemdDriverNeedsCgroupV2) {
  Json c = rootless_config({"true"});
  c["linux"]["cgroupsPath"] = "user.slice:mcrun-test:r9";
  c["linux"]["resources"] = {{"pids", {{"limit", 20}}}};
  write_config(c);
  auto r = mcrun({"--systemd-cgroup", "run", "--bundle", bundle_, "c1"});
  EXPECT_EQ(r.code, 1);
  if (cgroup_v2())  // no systemd here: the user's manager does not answer
    EXPECT_NE(r.err.find("systemd"), std::string::npos) << r.err;
  else
    EXPECT_EQ(r.err,
              "mcrun: run c1: systemd cgroup driver, rootless: needs cgroup v2; on v1 a user's "
              "systemd has no controllers to delegate\n");
  EXPECT_TRUE(!fs::exists(state_) || fs::is_empty(state_));
}

// Without a cgroup the container is still whole: kill reaches it, delete
// removes it, and its processes die with its pid namespace's init.
TEST_F(Rootless, KillAndDeleteWorkWithoutACgroup) {
  write_config(rootless_config({"sh", "-c", "sleep 1000 & sleep 1000"}));
  ASSERT_EQ(mcrun({"create", "--bundle", bundle_, "c1"}).code, 0);
  ASSERT_EQ(mcrun({"start", "c1"}).code, 0);
  EXPECT_EQ(status("c1"), "running");
  EXPECT_EQ(mcrun({"kill", "c1", "KILL"}).code, 0);
  EXPECT_TRUE(eventually([&] { return status("c1") == "stopped"; }));
  EXPECT_EQ(mcrun({"delete", "c1"}).code, 0);
  for (const char* ctl : {"memory", "pids", "unified"})
    EXPECT_FALSE(fs::exists(cgroup_dir("/mcrun/c1", ctl)));
}

// cgroup v2 delegation (cgroups(7), "Cgroup delegation"): root hands the user
// a subtree (its directory, cgroup.procs, cgroup.subtree_control and
// cgroup.threads chowned, controllers enabled), and the user's processes run
// in a leaf of it. A cgroupsPath inside the subtree is then used, its limits
// applied, and it is removed on delete.
TEST_F(Rootless, ADelegatedCgroupV2SubtreeTakesTheLimits) {
  if (!cgroup_v2()) GTEST_SKIP() << "cgroup v2 only (scripts/vm-test.sh runs it)";
  std::string rel = "/mcrun-delegated-" + std::to_string(::getpid());
  std::string deleg = "/sys/fs/cgroup" + rel;
  ASSERT_EQ(::mkdir(deleg.c_str(), 0755), 0);
  write_file(deleg + "/cgroup.subtree_control", "+memory +pids");
  for (const char* f : {"", "/cgroup.procs", "/cgroup.subtree_control", "/cgroup.threads"})
    ASSERT_EQ(::chown((deleg + f).c_str(), kUid, kUid), 0) << f;
  ASSERT_EQ(::mkdir((deleg + "/runtime").c_str(), 0755), 0);
  ASSERT_EQ(::chown((deleg + "/runtime").c_str(), kUid, kUid), 0);
  ASSERT_EQ(::chown((deleg + "/runtime/cgroup.procs").c_str(), kUid, kUid), 0);
  user_cgroup_ = deleg + "/runtime";

  Json c = rootless_config({"sleep", "1000"});
  c["linux"]["cgroupsPath"] = rel + "/c1";
  c["linux"]["resources"] = {{"memory", {{"limit", 64 << 20}}}, {"pids", {{"limit", 20}}}};
  write_config(c);
  auto r = mcrun({"create", "--bundle", bundle_, "c1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_file(deleg + "/c1/memory.max"), "67108864\n");
  EXPECT_EQ(read_file(deleg + "/c1/pids.max"), "20\n");
  auto u = mcrun({"update", "--pids-limit", "30", "c1"});
  EXPECT_EQ(u.code, 0) << u.err;
  EXPECT_EQ(read_file(deleg + "/c1/pids.max"), "30\n");
  EXPECT_EQ(mcrun({"delete", "--force", "c1"}).code, 0);
  EXPECT_FALSE(fs::exists(deleg + "/c1"));
  user_cgroup_.clear();
  ::rmdir((deleg + "/runtime").c_str());
  EXPECT_EQ(::rmdir(deleg.c_str()), 0);
}

TEST_F(Rootless, WithoutARuntimeDirectoryTheStateRootMustBeGiven) {
  user_env_ = {"HOME=/"};  // no XDG_RUNTIME_DIR, and no /run/user/61234
  auto r = mcrun({"list"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(
      r.err,
      "mcrun: rootless: no directory for the state: set XDG_RUNTIME_DIR or pass --root DIR\n");
}

}  // namespace
}  // namespace mcrun::it
