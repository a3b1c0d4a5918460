// Rootless: mcrun run by an ordinary user (a uid with no passwd entry, so
// only a mapping of its own id is possible without newuidmap), through
// setpriv. The bundle is `mcrun spec --rootless`, as that user writes it.
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
    as_user_ = {"/usr/bin/setpriv",
                "--reuid=" + std::to_string(kUid),
                "--regid=" + std::to_string(kUid),
                "--clear-groups",
                "--inh-caps=-all",
                "/usr/bin/env",
                "-i",
                "XDG_RUNTIME_DIR=" + xdg_};
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

TEST_F(Rootless, WithoutARuntimeDirectoryTheStateRootMustBeGiven) {
  as_user_.back() = "HOME=/";  // no XDG_RUNTIME_DIR, and no /run/user/61234
  auto r = mcrun({"list"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(
      r.err,
      "mcrun: rootless: no directory for the state: set XDG_RUNTIME_DIR or pass --root DIR\n");
}

}  // namespace
}  // namespace mcrun::it
