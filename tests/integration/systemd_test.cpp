// The systemd cgroup driver (--systemd-cgroup) against a real systemd: these
// run in scripts/vm-systemd.sh's guest, where systemd is PID 1 (elsewhere
// they skip). The scope, its unit properties and the cgroup files are read
// back through systemctl and the kernel.
#include "runtime/cgroup/systemd.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "fixture.hpp"
#include "runtime/sys/fd.hpp"

namespace fs = std::filesystem;

namespace mcrun::it {
namespace {

class SystemdCgroup : public Container {
 protected:
  void SetUp() override {
    Container::SetUp();
    if (!fs::exists("/run/systemd/system"))
      GTEST_SKIP() << "needs systemd as PID 1 (vm-systemd.sh)";
  }
  // systemctl show -p NAME --value UNIT
  std::string show(const std::string& unit, const std::string& property) {
    std::string out = tmp_ + "/.show";
    std::string cmd = "systemctl show -p " + property + " --value " + unit + " > " + out;
    if (std::system(cmd.c_str()) != 0) return "(systemctl failed)";
    std::string v = read_file(out);
    while (!v.empty() && v.back() == '\n') v.pop_back();
    return v;
  }
  Output sd(std::vector<std::string> args) {
    args.insert(args.begin(), "--systemd-cgroup");
    return mcrun(args);
  }
};

// kubelet's form: a pod slice nested by its dashes, containerd's prefix.
TEST_F(SystemdCgroup, ScopeInANestedSliceWithLimitsUpdateAndDelete) {
  const std::string unit = "cri-containerd-c1.scope";
  const std::string dir =
      "/sys/fs/cgroup/kubepods.slice/kubepods-besteffort.slice/"
      "kubepods-besteffort-pod1.slice/" +
      unit;
  Json c = config({"sleep", "1000"});
  c["linux"]["cgroupsPath"] = "kubepods-besteffort-pod1.slice:cri-containerd:c1";
  c["linux"]["resources"] = {{"memory", {{"limit", 64 << 20}}},
                             {"pids", {{"limit", 20}}},
                             {"cpu", {{"shares", 512}, {"quota", 50000}, {"period", 100000}}}};
  write_config(c);
  auto r = sd({"create", "--bundle", bundle_, "c1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(show(unit, "ActiveState"), "active");
  EXPECT_EQ(show(unit, "MemoryMax"), "67108864");
  EXPECT_EQ(show(unit, "TasksMax"), "20");
  EXPECT_EQ(show(unit, "Delegate"), "yes");
  EXPECT_EQ(read_file(dir + "/memory.max"), "67108864\n");
  EXPECT_EQ(read_file(dir + "/cpu.max"), "50000 100000\n");
  EXPECT_EQ(read_file(dir + "/pids.max"), "20\n");
  EXPECT_NE(read_file("/proc/" + std::to_string(pid_of("c1")) + "/cgroup").find(unit),
            std::string::npos);
  ASSERT_EQ(sd({"start", "c1"}).code, 0);
  auto u = sd({"update", "--pids-limit", "30", "c1"});
  EXPECT_EQ(u.code, 0) << u.err;
  EXPECT_EQ(read_file(dir + "/pids.max"), "30\n");
  auto d = sd({"delete", "--force", "c1"});
  EXPECT_EQ(d.code, 0) << d.err;
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_NE(show(unit, "ActiveState"), "active");
}

// Two containers given one scope: systemd refuses the second unit, and the
// failed create leaves the first container's scope and process alone.
TEST_F(SystemdCgroup, AScopeInUseIsNotTakenOver) {
  Json c = config({"sleep", "1000"});
  c["linux"]["cgroupsPath"] = "system.slice:mcrun-test:shared";
  write_config(c);
  ASSERT_EQ(sd({"create", "--bundle", bundle_, "c1"}).code, 0);
  auto r = sd({"create", "--bundle", bundle_, "c2"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("mcrun-test-shared.scope"), std::string::npos) << r.err;
  EXPECT_EQ(show("mcrun-test-shared.scope", "ActiveState"), "active");
  EXPECT_EQ(read_file("/sys/fs/cgroup/system.slice/mcrun-test-shared.scope/cgroup.procs"),
            std::to_string(pid_of("c1")) + "\n");
  EXPECT_EQ(sd({"delete", "--force", "c1"}).code, 0);
}

// Without a cgroupsPath: system.slice, prefix mcrun (runc's default shape).
// A run that ends leaves no unit behind.
TEST_F(SystemdCgroup, DefaultScopeAndARunLeavesNoUnit) {
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(sd({"create", "--bundle", bundle_, "c2"}).code, 0);
  EXPECT_EQ(read_file("/proc/" + std::to_string(pid_of("c2")) + "/cgroup"),
            "0::/system.slice/mcrun-c2.scope\n");
  EXPECT_EQ(sd({"delete", "--force", "c2"}).code, 0);
  write_config(config({"true"}));
  auto r = sd({"run", "--bundle", bundle_, "c3"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(show("mcrun-c3.scope", "ActiveState"), "active");
  EXPECT_FALSE(fs::exists("/sys/fs/cgroup/system.slice/mcrun-c3.scope"));
}

// A daemon-reload makes systemd write every unit's properties to its cgroup
// again. The cpuset is not among the scope's properties (runc gives it as
// AllowedCPUs); systemd 252 leaves what it was not told about alone, which
// this holds it to.
TEST_F(SystemdCgroup, ACpusetOutlivesADaemonReload) {
  const std::string dir = "/sys/fs/cgroup/system.slice/mcrun-c5.scope";
  Json c = config({"sleep", "1000"});
  c["linux"]["resources"]["cpu"] = {{"cpus", "1"}, {"mems", "0"}};
  write_config(c);
  auto r = sd({"create", "--bundle", bundle_, "c5"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_file(dir + "/cpuset.cpus"), "1\n");
  ASSERT_EQ(std::system("systemctl daemon-reload"), 0);
  EXPECT_EQ(read_file(dir + "/cpuset.cpus"), "1\n");
  EXPECT_EQ(read_file(dir + "/cpuset.mems"), "0\n");
  EXPECT_EQ(sd({"delete", "--force", "c5"}).code, 0);
}

// Limits with a property of their own must carry it, or a daemon-reload
// writes systemd's default over them: memory.swap.max and memory.high would
// go back to "max" (moby issue 51446, with runc).
TEST_F(SystemdCgroup, SwapAndMemoryHighOutliveADaemonReload) {
  if (!cgroup_v2()) GTEST_SKIP() << "v2 files";
  const std::string dir = "/sys/fs/cgroup/system.slice/mcrun-c9.scope";
  Json c = config({"sleep", "1000"});
  c["linux"]["resources"] = {{"memory", {{"limit", 64 << 20}, {"swap", 96 << 20}}},
                             {"unified", {{"memory.high", "50331648"}}}};
  write_config(c);
  auto r = sd({"create", "--bundle", bundle_, "c9"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_file(dir + "/memory.swap.max"), "33554432\n");
  EXPECT_EQ(read_file(dir + "/memory.high"), "50331648\n");
  ASSERT_EQ(std::system("systemctl daemon-reload"), 0);
  EXPECT_EQ(read_file(dir + "/memory.swap.max"), "33554432\n");
  EXPECT_EQ(read_file(dir + "/memory.high"), "50331648\n");
  EXPECT_EQ(read_file(dir + "/memory.max"), "67108864\n");
  EXPECT_EQ(sd({"delete", "--force", "c9"}).code, 0);
}

// The same for update: systemd is told the new limits, or the next
// daemon-reload puts the old ones back.
TEST_F(SystemdCgroup, AnUpdateOutlivesADaemonReload) {
  const std::string dir = "/sys/fs/cgroup/system.slice/mcrun-c6.scope";
  Json c = config({"sleep", "1000"});
  c["linux"]["resources"] = {{"memory", {{"limit", 64 << 20}}}, {"pids", {{"limit", 20}}}};
  write_config(c);
  auto r = sd({"create", "--bundle", bundle_, "c6"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto u =
      sd({"update", "--memory", "134217728", "--pids-limit", "30", "--cpuset-cpus", "1", "c6"});
  ASSERT_EQ(u.code, 0) << u.err;
  ASSERT_EQ(std::system("systemctl daemon-reload"), 0);
  EXPECT_EQ(read_file(dir + "/memory.max"), "134217728\n");
  EXPECT_EQ(read_file(dir + "/pids.max"), "30\n");
  EXPECT_EQ(read_file(dir + "/cpuset.cpus"), "1\n");
  EXPECT_EQ(show("mcrun-c6.scope", "MemoryMax"), "134217728");
  EXPECT_EQ(sd({"delete", "--force", "c6"}).code, 0);
}

// pids.limit 0 under systemd: no limit in a 1.0.2-dev config (podman 4's
// --pids-limit -1), a limit of 0 in a 1.3.0 one. systemd refuses TasksMax=0
// (the create failed: "Value specified in TasksMax is out of range") and
// is told 1, which a daemon-reload writes: with the init in the cgroup, 0
// and 1 alike stop every fork.
TEST_F(SystemdCgroup, PidsLimitZeroOutlivesADaemonReload) {
  if (!cgroup_v2()) GTEST_SKIP() << "v2 files";
  Json c = config({"sleep", "1000"});
  c["linux"]["resources"] = {{"pids", {{"limit", 0}}}};
  c["ociVersion"] = "1.0.2-dev";
  write_config(c);
  auto old = sd({"create", "--bundle", bundle_, "c4"});
  ASSERT_EQ(old.code, 0) << old.err;
  EXPECT_EQ(read_file("/sys/fs/cgroup/system.slice/mcrun-c4.scope/pids.max"), "max\n");
  EXPECT_EQ(sd({"delete", "--force", "c4"}).code, 0);
  c["ociVersion"] = "1.3.0";
  write_config(c);
  auto now = sd({"create", "--bundle", bundle_, "c5"});
  ASSERT_EQ(now.code, 0) << now.err;
  const std::string file = "/sys/fs/cgroup/system.slice/mcrun-c5.scope/pids.max";
  EXPECT_EQ(read_file(file), "0\n");
  ASSERT_EQ(std::system("systemctl daemon-reload"), 0);
  EXPECT_EQ(read_file(file), "1\n");
  EXPECT_EQ(read_file("/sys/fs/cgroup/system.slice/mcrun-c5.scope/pids.current"), "1\n");
  EXPECT_EQ(sd({"delete", "--force", "c5"}).code, 0);
}

// The scope is the container's cgroup in every hierarchy, for its init and
// for what exec adds. On v1 systemd makes the scope's cgroup only where it
// manages the controller: blkio, cpuset, freezer and others were missing,
// their limits went nowhere and exec failed ("open .../blkio/.../tasks":
// ENOENT).
TEST_F(SystemdCgroup, InitAndExecAreInTheScopeInEveryHierarchy) {
  const std::string scope = "/system.slice/mcrun-c8.scope";
  Json c = config({"sleep", "1000"});
  c["linux"]["resources"] = {
      {"memory", {{"limit", 64 << 20}}}, {"pids", {{"limit", 20}}}, {"cpu", {{"cpus", "0"}}}};
  write_config(c);
  auto r = sd({"run", "-d", "--bundle", bundle_, "c8"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(mcrun({"exec", "-d", "c8", "sleep", "999"}).code, 0);
  auto ps = Json::parse(mcrun({"ps", "--format", "json", "c8"}).out);
  ASSERT_EQ(ps.size(), 2u) << ps.dump();
  for (const auto& pid : ps) {
    std::string lines = read_file("/proc/" + std::to_string(pid.get<int>()) + "/cgroup");
    EXPECT_FALSE(lines.empty());
    std::istringstream in(lines);
    for (std::string line; std::getline(in, line);)
      EXPECT_TRUE(line.ends_with(":" + scope)) << pid << ": " << line;
  }
  EXPECT_EQ(read_file(cgroup_dir(scope, "memory") +
                      (cgroup_v2() ? "/memory.max" : "/memory.limit_in_bytes")),
            "67108864\n");
  EXPECT_EQ(read_file(cgroup_dir(scope, "pids") + "/pids.max"), "20\n");
  EXPECT_EQ(read_file(cgroup_dir(scope, "cpuset") + "/cpuset.cpus"), "0\n");
  EXPECT_EQ(sd({"delete", "--force", "c8"}).code, 0);
  for (const char* h : {"memory", "pids", "cpuset", "blkio", "freezer"})
    EXPECT_FALSE(fs::exists(cgroup_dir(scope, h))) << h;
}

// systemd writes a unit's device policy to its cgroup again whenever it
// realizes it (daemon-reload, set-property), and a scope told nothing has
// DevicePolicy=auto: on cgroup v1 that is "a" in devices.allow, every device
// open to the container (with CAP_MKNOD, the host's disks). So the
// container's device rules are the scope's properties too, and a reload
// writes the same allowlist back (on v2 systemd's own filter joins mcrun's).
TEST_F(SystemdCgroup, DeviceRulesOutliveADaemonReload) {
  Json c = config({"sleep", "1000"});
  for (const char* set : {"bounding", "effective", "permitted"})
    c["process"]["capabilities"][set].push_back("CAP_MKNOD");
  write_config(c);
  auto r = sd({"run", "-d", "--bundle", bundle_, "c7"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto in_c7 = [&](const std::string& script) {
    auto e = mcrun({"exec", "c7", "sh", "-c", script});
    return e.out + e.err;
  };
  const std::string kmsg =
      "rm -f /tmp/kmsg; mknod /tmp/kmsg c 1 11 && (echo mcrun-test > /tmp/kmsg) 2>&1 | "
      "grep -o 'not permitted' || echo written";
  EXPECT_EQ(in_c7(kmsg), "not permitted\n");
  ASSERT_EQ(std::system("systemctl daemon-reload"), 0);
  EXPECT_EQ(in_c7(kmsg), "not permitted\n") << "after a daemon-reload";
  EXPECT_EQ(in_c7("echo x > /dev/null && echo null-ok"), "null-ok\n");
  // A terminal: the ptys are "char-136" to systemd, which its program and
  // its v1 rules must read as a major number, not a /proc/devices name.
  auto tty = mcrun({"exec", "-t", "c7", "sh", "-c", "test -t 0 && echo tty-ok"});
  EXPECT_NE(tty.out.find("tty-ok"), std::string::npos) << tty.out << tty.err;
  EXPECT_EQ(show("mcrun-c7.scope", "DevicePolicy"), "strict");
  EXPECT_EQ(sd({"delete", "--force", "c7"}).code, 0);
}

// Every create and delete opens a connection to systemd and makes one call.
// systemd (sd-bus as a server, 252 here) reads what has arrived; when the
// client's BEGIN and its call arrive in the same read, the call sits in
// sd-bus's buffer, unparsed, until more bytes come, which they never do: the
// client waits forever. Sending BEGIN with AUTH, as sd-bus's own clients do,
// leaves nothing behind BEGIN. Before, one call in a few dozen hung here;
// now 300 in a row get their answers (each would fail after 25 s, not hang).
TEST_F(SystemdCgroup, EveryCallGetsItsAnswer) {
  for (int i = 0; i < 300; ++i) {
    auto r = runtime::stop_scope("mcrun-test-none-" + std::to_string(i) + ".scope");
    ASSERT_TRUE(r) << "call " << i << ": " << r.error().what();
  }
}

// Rootless with the systemd driver, podman's default for a user on a
// cgroup v2 machine: the scope belongs to the user's own systemd (reached at
// $XDG_RUNTIME_DIR/systemd/private; the system's refuses an unprivileged
// caller), and its cgroup is under that manager's (user@UID.service). The
// guest's user 1000 lingers, so its manager runs from boot.
TEST_F(SystemdCgroup, RootlessScopeBelongsToTheUsersOwnSystemd) {
  const uid_t uid = 1000;
  const std::string xdg = "/run/user/1000";
  ASSERT_TRUE(fs::exists(xdg + "/systemd/private")) << "user 1000's systemd is not running";
  ASSERT_EQ(::chmod(tmp_.c_str(), 0755), 0);
  ASSERT_EQ(::chown(bundle_.c_str(), uid, uid), 0);
  as_user_ = uid;
  user_env_ = {"XDG_RUNTIME_DIR=" + xdg, "PATH=/usr/bin:/bin"};
  default_root_ = true;
  state_ = xdg + "/mcrun";
  ASSERT_EQ(mcrun({"spec", "--rootless", "--bundle", bundle_}).code, 0);
  Json c = Json::parse(read_file(bundle_ + "/config.json"));
  c["process"]["args"] = {"sleep", "1000"};
  c["root"]["path"] = rootfs_;
  c["linux"]["cgroupsPath"] = "user.slice:mcrun-test:r1";
  c["linux"]["resources"] = {{"memory", {{"limit", 64 << 20}}}, {"pids", {{"limit", 20}}}};
  write_config(c);
  const std::string path =
      "/user.slice/user-1000.slice/user@1000.service/user.slice/mcrun-test-r1.scope";
  auto r = sd({"create", "--bundle", bundle_, "r1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_file("/proc/" + std::to_string(pid_of("r1")) + "/cgroup"), "0::" + path + "\n");
  EXPECT_EQ(read_file("/sys/fs/cgroup" + path + "/memory.max"), "67108864\n");
  EXPECT_EQ(read_file("/sys/fs/cgroup" + path + "/pids.max"), "20\n");
  auto u = sd({"update", "--pids-limit", "30", "r1"});
  EXPECT_EQ(u.code, 0) << u.err;
  EXPECT_EQ(read_file("/sys/fs/cgroup" + path + "/pids.max"), "30\n");
  auto d = sd({"delete", "--force", "r1"});
  EXPECT_EQ(d.code, 0) << d.err;
  EXPECT_TRUE(eventually([&] { return !fs::exists("/sys/fs/cgroup" + path); }));
}

// podman runs a rootless mcrun inside its user namespace, as its root: mcrun
// sees uid 0 where the user's systemd sees the user (SO_PEERCRED). An
// identity claimed from geteuid() ("AUTH EXTERNAL 30") is refused there; the
// one the server takes from the socket is not. Asked from such a namespace
// (user 1000 mapped to 0), the user's manager names its cgroup.
TEST_F(SystemdCgroup, TheUsersSystemdAnswersInsideItsUserNamespace) {
  const std::string socket = "/run/user/1000/systemd/private";
  ASSERT_TRUE(fs::exists(socket)) << "user 1000's systemd is not running";
  int pipefd[2];
  ASSERT_EQ(::pipe2(pipefd, O_CLOEXEC), 0);
  sys::UniqueFd read_end(pipefd[0]), write_end(pipefd[1]);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string out = "error: no user namespace of user 1000";
    // Dumpable again after the uid change, or /proc/self/uid_map is root's.
    if (::setresgid(1000, 1000, 1000) == 0 && ::setresuid(1000, 1000, 1000) == 0 &&
        ::prctl(PR_SET_DUMPABLE, 1) == 0 && ::unshare(CLONE_NEWUSER) == 0) {
      sys::UniqueFd map(::open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC));
      if (map && ::write(map.get(), "0 1000 1", 8) == 8 && ::geteuid() == 0) {
        auto root = runtime::manager_cgroup(socket);
        out = root ? *root : "error: " + root.error().what();
      }
    }
    (void)!::write(write_end.get(), out.data(), out.size());
    ::_exit(0);
  }
  write_end.reset();
  std::string got;
  char buf[512];
  for (ssize_t n; (n = ::read(read_end.get(), buf, sizeof buf)) > 0;) got.append(buf, n);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_EQ(got, "/user.slice/user-1000.slice/user@1000.service");
}

TEST_F(SystemdCgroup, ACgroupfsPathIsRefusedWithTheFlag) {
  Json c = config({"true"});
  c["linux"]["cgroupsPath"] = "/mcrun/c4";
  write_config(c);
  auto r = sd({"run", "--bundle", bundle_, "c4"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("config.json: /linux/cgroupsPath: \"/mcrun/c4\" must be "
                       "\"slice:prefix:name\" with the systemd cgroup driver"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace mcrun::it
