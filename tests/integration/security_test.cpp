// Attacks on the host, performed for real from inside a container (or by a
// hostile bundle or local user), each against something this test owns: a
// copy of the mcrun binary, a file in the test's directory, a cgroup the
// test made. Each test fails if the attack gets through.
#include <elf.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "fixture.hpp"
#include "runtime/process/lsm.hpp"

namespace fs = std::filesystem;

namespace mcrun::it {
namespace {

// The container's cgroup mount, writable (as with podman --security-opt
// unmask=/sys/fs/cgroup, or a privileged container).
void writable_cgroup_mount(Json& c) {
  for (auto& m : c["mounts"])
    if (m["type"] == "cgroup") m["options"] = {"nosuid", "noexec", "nodev", "rw"};
}

// The cgroup2 tree: the root on a v2 host, /sys/fs/cgroup/unified on a hybrid one.
std::string cgroup2_root() {
  if (exists("/sys/fs/cgroup/cgroup.controllers")) return "/sys/fs/cgroup";
  if (exists("/sys/fs/cgroup/unified/cgroup.controllers")) return "/sys/fs/cgroup/unified";
  return "";
}

// A process that sleeps in the cgroup2 directory `cgroup`.
pid_t sleeper_in(const std::string& cgroup) {
  pid_t pid = ::fork();
  if (pid == 0) {
    write_file(cgroup + "/cgroup.procs", std::to_string(::getpid()));
    ::execl("/bin/sleep", "sleep", "1000", nullptr);
    _exit(127);
  }
  return pid;
}

bool alive(pid_t pid) {
  int status;
  return ::waitpid(pid, &status, WNOHANG) == 0;
}

bool runtime_has_lsm() {
  return exists("/sys/kernel/security/apparmor") || exists("/sys/fs/selinux/enforce");
}

// An ELF executable with a PT_INTERP program header (a dynamic loader).
bool has_interpreter(const std::string& path) {
  std::string elf = read_file(path);
  if (elf.size() < sizeof(Elf64_Ehdr)) return false;
  const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(elf.data());
  for (int i = 0; i < eh->e_phnum; ++i) {
    size_t off = eh->e_phoff + static_cast<size_t>(i) * eh->e_phentsize;
    if (off + sizeof(Elf64_Phdr) > elf.size()) break;
    if (reinterpret_cast<const Elf64_Phdr*>(elf.data() + off)->p_type == PT_INTERP) return true;
  }
  return false;
}

class Security : public Container {
 protected:
  void SetUp() override {
    Container::SetUp();
    install_attacker();
    // The binary an attack may overwrite is a copy, alone in its directory.
    fs::create_directories(tmp_ + "/bin");
    copy_ = tmp_ + "/bin/mcrun";
    fs::copy_file(MCRUN_BINARY, copy_);
    original_ = read_file(copy_);
  }

  // A running container c1 (sleep) started with the copy, optionally with
  // CAP_SYS_PTRACE (which lets /proc/<pid>/exe and /proc/<pid>/root of
  // non-dumpable processes be opened).
  void start_target(bool ptrace) {
    Json c = config({"sleep", "1000"});
    if (ptrace)
      for (const char* set : {"bounding", "effective", "permitted"})
        c["process"]["capabilities"][set].push_back("CAP_SYS_PTRACE");
    write_config(c);
    ASSERT_EQ(mcrun_at(copy_, {"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  }

  // The attacker, detached in c1; its verdict lands in the rootfs's /tmp.
  void start_attacker(const std::string& args) {
    auto r = mcrun({"exec", "-d", "c1", "sh", "-c",
                    "attacker " + args +
                        " > /tmp/verdict.new; echo $? >> /tmp/verdict.new; "
                        "mv /tmp/verdict.new /tmp/verdict"});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  bool attacker_done() { return exists(rootfs_ + "/tmp/verdict"); }
  std::string verdict() {
    EXPECT_TRUE(eventually([&] { return attacker_done(); }, 20000));
    return read_file(rootfs_ + "/tmp/verdict");
  }

  void shebang_attack() {
    write_file(rootfs_ + "/bin/x", "#!/proc/self/exe\n");
    ::chmod((rootfs_ + "/bin/x").c_str(), 0755);
    start_target(false);
    start_attacker("exe 10");
    for (int i = 0; i < 50 && !attacker_done(); ++i) mcrun_at(copy_, {"exec", "c1", "/bin/x"});
    std::string v = verdict();
    EXPECT_TRUE(read_file(copy_) == original_)
        << "the container overwrote the runtime binary: " << v;
    // The attack was really made: the attacker held the binary and was
    // refused. (A dynamically linked mcrun, as the sanitizer build's, cannot
    // even start in the busybox rootfs, which has no loader: nothing to grab.)
    if (!has_interpreter(copy_)) {
      EXPECT_TRUE(v.starts_with("grabbed ") && v.ends_with("\n3\n")) << v;
    }
  }

  // Bundle for a second container that joins c1's pid namespace.
  std::string sibling_bundle(const std::vector<std::string>& args) {
    std::string dir = tmp_ + "/bundle2";
    fs::create_directories(dir);
    Json c = config(args);
    c["root"]["path"] = rootfs_;
    for (auto& ns : c["linux"]["namespaces"])
      if (ns["type"] == "pid") ns["path"] = "/proc/" + std::to_string(pid_of("c1")) + "/ns/pid";
    write_config(c, dir);
    return dir;
  }

  std::string copy_, original_;
};

TEST_F(Security, ShebangToProcSelfExeCannotOverwriteTheRuntime) {
  // CVE-2019-5736 as published: an executable script whose interpreter is
  // /proc/self/exe makes the kernel run the binary of whoever execs it
  // (mcrun exec's child) inside the container, dumpable; the attacker holds
  // it by /proc/<pid>/exe and writes to it once it is no longer running.
  shebang_attack();
}

TEST_F(Security, ShebangAttackFailsAgainstTheMemfdCopyToo) {
  // Where the read-only overlayfs view cannot be made, mcrun runs from a
  // sealed memfd copy of itself; the same attack must fail against that.
  ::setenv("MCRUN_TEST_SEAL", "memfd", 1);
  shebang_attack();
  ::unsetenv("MCRUN_TEST_SEAL");
}

// The syscalls of the image of `argv` that execs the sealed view, from its
// exec up to that execveat (the last one listed); empty if none comes.
std::vector<long> syscalls_before_reexec(const std::vector<std::string>& argv) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    ::raise(SIGSTOP);
    ::execv(args[0], args.data());
    _exit(127);
  }
  int status;
  ::waitpid(pid, &status, 0);
  ::ptrace(PTRACE_SETOPTIONS, pid, nullptr,
           PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
  std::vector<long> calls;
  bool sealed = false;
  while (!sealed && ::ptrace(PTRACE_SYSCALL, pid, nullptr, nullptr) == 0 &&
         ::waitpid(pid, &status, 0) == pid && WIFSTOPPED(status)) {
    if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
      calls.clear();  // a new image
    } else if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
      __ptrace_syscall_info info{};
      ::ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info);
      if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
        calls.push_back(static_cast<long>(info.entry.nr));
        sealed = info.entry.nr == SYS_execveat;
      }
    }
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return sealed ? calls : std::vector<long>{};
}

TEST(Sealing, TheUnsealedImageExecsTheSealedViewBeforeLibcStarts) {
  // exec, run and create re-execute mcrun from a read-only view of its
  // binary. The first image is not to pay glibc's start-up for that (0.3 ms
  // in a VM, where each of its CPUID instructions traps): the entry point
  // execs the view before _start. So before that execveat: no
  // arch_prctl(ARCH_SET_FS) for TLS, no brk for malloc, only the view. (A
  // dynamically linked build, the sanitizers', runs its loader first, and
  // ASan may re-exec itself: there only the view is checked.)
  auto calls =
      syscalls_before_reexec({MCRUN_BINARY, "--root", "/nonexistent", "exec", "c1", "true"});
  ASSERT_FALSE(calls.empty()) << "mcrun exec did not re-execute itself";
  std::string names;
  for (long nr : calls) names += std::to_string(nr) + " ";
  if (!has_interpreter(MCRUN_BINARY)) {
    EXPECT_EQ(std::count(calls.begin(), calls.end(), SYS_arch_prctl), 0) << names;
    EXPECT_EQ(std::count(calls.begin(), calls.end(), SYS_brk), 0) << names;
  }
  EXPECT_EQ(std::count(calls.begin(), calls.end(), SYS_fsmount), 1) << names;
}

TEST_F(Security, RuntimeProcessesSeenInTheContainerHaveNoWritableBinary) {
  // With CAP_SYS_PTRACE the container can open /proc/<pid>/exe of the
  // non-dumpable mcrun processes too: exec's child before it runs the
  // program, and the init of a container being created in this pid
  // namespace. Neither may lead to the host's binary.
  start_target(true);
  std::string c2 = sibling_bundle({"true"});
  start_attacker("exe 10");
  for (int i = 0; i < 30 && !attacker_done(); ++i) {
    mcrun_at(copy_, {"exec", "c1", "true"});
    mcrun_at(copy_, {"create", "--bundle", c2, "c2"});
    mcrun_at(copy_, {"delete", "--force", "c2"});
  }
  mcrun({"kill", "c1", "KILL"});  // the attacker ends with it, if it still waits
  std::string v = verdict();
  EXPECT_TRUE(read_file(copy_) == original_) << "the container overwrote the runtime binary: " << v;
  EXPECT_FALSE(v.starts_with("overwrote")) << v;
  std::printf("attacker: %s", v.c_str());
}

TEST_F(Security, ExecChildNeverShowsTheHostRoot) {
  // exec's child is in the container's pid namespace: with CAP_SYS_PTRACE,
  // /proc/<pid>/root of it must never be the host's root.
  write_file(tmp_ + "/host-secret", "host secret");
  start_target(true);
  start_attacker("root " + tmp_ + "/host-secret 2");
  for (int i = 0; i < 200 && !attacker_done(); ++i) mcrun({"exec", "c1", "true"});
  std::string v = verdict();
  EXPECT_TRUE(v.starts_with("never reached")) << v;
}

TEST_F(Security, AWaitingInitHoldsNoFileOfTheHost) {
  // A created container's init waits for start, for as long as the client
  // likes, visible in its pid namespace. Nothing it holds open may lead to
  // the host: here mcrun's own --log file, through /proc/<pid>/fd/N.
  start_target(true);
  std::string log = tmp_ + "/mcrun.log";
  write_file(log, "");
  start_attacker("fd " + log + " 2");
  ASSERT_EQ(mcrun({"--log", log, "create", "--bundle", sibling_bundle({"true"}), "c2"}).code, 0);
  std::string v = verdict();
  EXPECT_TRUE(v.starts_with("no host file reached")) << v;
  EXPECT_EQ(read_file(log).find("PWNED"), std::string::npos);
}

TEST_F(Security, ACwdThroughAnInheritedFdNeverLeavesTheRoot) {
  // runc's CVE-2024-21626: an fd of the host's (its /sys/fs/cgroup) was
  // still open when the process chdir'd, so process.cwd, `exec --cwd` or an
  // image's WORKDIR symlink naming /proc/self/fd/N gave a cwd outside the
  // root, and ../.. led to the host's files. Each vector, for every fd the
  // runtime might hold: the start fails or the cwd stays inside. (mcrun
  // already held; this guards it.)
  const std::string secret = tmp_ + "/host-secret";
  write_file(secret, "host secret\n");
  const std::string climb = "cat ../../../../../../../../../.." + secret + " 2>/dev/null";
  std::string seen;
  for (int fd = 3; fd <= 9; ++fd) {
    Json c = config({"sh", "-c", climb});
    c["process"]["cwd"] = "/proc/self/fd/" + std::to_string(fd);
    seen += run(c, "cwd" + std::to_string(fd)).out;
    mcrun({"delete", "--force", "cwd" + std::to_string(fd)});
    fs::remove(rootfs_ + "/workdir");
    fs::create_symlink("/proc/self/fd/" + std::to_string(fd), rootfs_ + "/workdir");
    c["process"]["cwd"] = "/workdir";
    seen += run(c, "wd" + std::to_string(fd)).out;
    mcrun({"delete", "--force", "wd" + std::to_string(fd)});
  }
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  for (int fd = 3; fd <= 9; ++fd)
    seen += mcrun({"exec", "--cwd", "/proc/self/fd/" + std::to_string(fd), "c1", "sh", "-c", climb})
                .out;
  EXPECT_EQ(seen.find("host secret"), std::string::npos) << seen;
}

// The test process takes a fresh session keyring of its own and puts a
// user key "host secret" of that name there.
bool secret_in_a_fresh_session_keyring(const std::string& name) {
  return ::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, nullptr) >= 0 &&
         ::syscall(SYS_add_key, "user", name.c_str(), "host secret", 11,
                   KEY_SPEC_SESSION_KEYRING) >= 0;
}

TEST_F(Security, TheCallersSessionKeyringIsOutOfReach) {
  // Keyrings are not namespaced: a process inherits its parent's session
  // keyring and possesses every key in it. mcrun's container processes read
  // a secret from the session keyring of whoever ran mcrun (an ssh login's,
  // a service's). runc and crun give each container a session keyring of
  // its own unless --no-new-keyring. The test process takes a fresh session
  // keyring of its own first (and the secret goes there).
  install_probe();
  const std::string name = "mcrun-it-" + std::to_string(::getpid());
  ASSERT_TRUE(secret_in_a_fresh_session_keyring(name));
  auto r = run(config({"probe", "session-key", name}));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("no key")) << r.out;

  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c2"}).code, 0);
  auto e = mcrun({"exec", "c2", "probe", "session-key", name});
  EXPECT_EQ(e.code, 0) << e.err;
  EXPECT_TRUE(e.out.starts_with("no key")) << e.out;

  // As runc: --no-new-keyring keeps the caller's (the flag does something).
  write_config(config({"probe", "session-key", name}));
  auto kept = mcrun({"run", "--no-new-keyring", "--bundle", bundle_, "c3"});
  EXPECT_EQ(kept.out, "key: host secret\n") << kept.err;
}

TEST_F(Security, ExecIntoAContainerOfAnOlderRecordDoesNotGetTheCallersKeys) {
  // A container an mcrun before per-container keyrings made has no keyring
  // name in its record; its init kept the caller's session keyring. exec's
  // process must still not get the exec caller's keys. The record is made
  // old by taking the name out of it.
  install_probe();
  const std::string name = "mcrun-it-old-" + std::to_string(::getpid());
  ASSERT_TRUE(secret_in_a_fresh_session_keyring(name));
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  const std::string record = state_ + "/c1/state.json";
  Json j = Json::parse(read_file(record));
  ASSERT_TRUE(j["mcrun"].contains("sessionKeyring"));
  j["mcrun"].erase("sessionKeyring");
  write_file(record, j.dump());
  auto e = mcrun({"exec", "c1", "probe", "session-key", name});
  EXPECT_EQ(e.code, 0) << e.err;
  EXPECT_TRUE(e.out.starts_with("no key")) << e.out;
}

TEST_F(Security, PidFileDoesNotFollowPlantedSymlinks) {
  // Whoever can write the pid file's directory plants symlinks at the pid
  // file and at names mcrun might write first; root must write only there.
  write_file(tmp_ + "/victim", "precious");
  std::string dir = tmp_ + "/pids";
  fs::create_directories(dir);
  fs::create_symlink(tmp_ + "/victim", dir + "/c1.pid");
  fs::create_symlink(tmp_ + "/victim", dir + "/c1.pid.mcrun-tmp");  // the temporary name mcrun used
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"create", "--pid-file", dir + "/c1.pid", "--bundle", bundle_, "c1"}).code, 0);
  EXPECT_EQ(read_file(tmp_ + "/victim"), "precious");
  EXPECT_FALSE(fs::is_symlink(dir + "/c1.pid"));
  EXPECT_EQ(read_file(dir + "/c1.pid"), std::to_string(pid_of("c1")));
  ASSERT_EQ(mcrun({"start", "c1"}).code, 0);
  fs::create_symlink(tmp_ + "/victim", dir + "/exec.pid");
  fs::create_symlink(tmp_ + "/victim", dir + "/exec.pid.mcrun-tmp");
  ASSERT_EQ(mcrun({"exec", "-d", "--pid-file", dir + "/exec.pid", "c1", "sleep", "100"}).code, 0);
  EXPECT_EQ(read_file(tmp_ + "/victim"), "precious");
  EXPECT_FALSE(fs::is_symlink(dir + "/exec.pid"));
}

TEST_F(Security, StartContainerHooksHaveOnlyTheProcesssPrivileges) {
  // A startContainer hook runs in the container and its binary may come from
  // the image: it must not get more than the container's process gets (no
  // full capabilities, no escaping no_new_privs or the seccomp filter).
  write_file(
      rootfs_ + "/hook.sh",
      "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status > /tmp/hook; id -u >> /tmp/hook\n"
      "mount -t tmpfs x /mnt 2>/dev/null && echo mounted >> /tmp/hook\n"
      "mkdir /tmp/hook-dir 2>/dev/null && echo mkdir >> /tmp/hook\n"
      "exit 0\n");
  Json c =
      config({"sh", "-c",
              "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status; id -u; cat /tmp/hook"});
  c["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
  c["linux"]["seccomp"] =
      Json::parse(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
    "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})");
  c["hooks"]["startContainer"] = {{{"path", "/bin/sh"}, {"args", {"sh", "/hook.sh"}}}};
  auto r = run(c);
  ASSERT_EQ(r.code, 0) << r.err;
  // The program's view first, then the hook's: the same lines, nothing more.
  auto half = r.out.size() / 2;
  EXPECT_EQ(r.out.substr(0, half), r.out.substr(half)) << r.out;
  EXPECT_NE(r.out.find("NoNewPrivs:\t1\nSeccomp:\t2\n1000\n"), std::string::npos) << r.out;
}

TEST_F(Security, CgroupKillInsideReachesOnlyTheContainer) {
  // The client that runs mcrun sits in a cgroup with other processes of its
  // own (here a victim the test made). A container whose cgroup mount is
  // writable writes cgroup.kill at the root of its view of the cgroup2 tree:
  // that must be the container's own cgroup, not its caller's.
  std::string v2 = cgroup2_root();
  if (v2.empty()) GTEST_SKIP() << "no cgroup2 tree on this host";
  std::string client = v2 + "/mcrun-it-client-" + std::to_string(::getpid());
  ASSERT_EQ(::mkdir(client.c_str(), 0755), 0);
  pid_t victim = sleeper_in(client);
  ASSERT_TRUE(eventually([&] {
    return read_file(client + "/cgroup.procs").find(std::to_string(victim)) != std::string::npos;
  }));
  Json c = config({"sh", "-c",
                   "for f in /sys/fs/cgroup/unified/cgroup.kill /sys/fs/cgroup/cgroup.kill; do "
                   "test -e $f && echo 1 > $f; done; sleep 1"});
  writable_cgroup_mount(c);
  write_config(c);
  pid_t runner = ::fork();  // mcrun run, started from the client's cgroup
  if (runner == 0) {
    write_file(client + "/cgroup.procs", std::to_string(::getpid()));
    ::execl(MCRUN_BINARY, MCRUN_BINARY, "--root", state_.c_str(), "run", "--bundle",
            bundle_.c_str(), "c1", nullptr);
    _exit(127);
  }
  int status = 0;
  ::waitpid(runner, &status, 0);
  EXPECT_TRUE(alive(victim)) << "the container killed a process of its caller's cgroup";
  ::kill(victim, SIGKILL);
  ::waitpid(victim, nullptr, 0);
  EXPECT_TRUE(eventually([&] { return ::rmdir(client.c_str()) == 0; }));
}

TEST_F(Security, CgroupMountShowsNoHostHierarchyRoot) {
  // With CAP_SYS_ADMIN and a writable cgroup mount, a release_agent file in
  // the container's view is the host's (in a hierarchy the container was not
  // placed in, the bind showed the caller's cgroup: the root here). Every
  // hierarchy, named ones included, must show the container's own cgroup.
  if (cgroup_v2())
    GTEST_SKIP()
        << "no named hierarchies on cgroup v2: CgroupV2.TheCgroupMountIsTheContainersOwnCgroup and "
           "Security.CgroupKillInsideReachesOnlyTheContainer cover its view";
  std::string agent = "/sys/fs/cgroup/systemd/release_agent";
  std::string before = exists(agent) ? read_file(agent) : "";
  Json c =
      config({"sh", "-c",
              "for h in /sys/fs/cgroup/*/; do test -e $h/release_agent && echo $h; "
              "echo /tmp/pwned > $h/release_agent 2>/dev/null; done; "
              "ls /sys/fs/cgroup/systemd /sys/fs/cgroup/unified >/dev/null 2>&1 || echo missing"});
  writable_cgroup_mount(c);
  for (const char* set : {"bounding", "effective", "permitted"})
    c["process"]["capabilities"][set].push_back("CAP_SYS_ADMIN");
  auto r = run(c);
  std::string after = exists(agent) ? read_file(agent) : "";
  if (after != before) write_file(agent, before.empty() ? "\n" : before);  // put the host back
  EXPECT_EQ(after, before) << "the container set the host's release_agent";
  EXPECT_EQ(r.out, "") << "hierarchy roots visible in the container: " << r.out << r.err;
}

TEST_F(Security, KillAllAndPsStayInsideAContainerThatJoinedAPidNamespace) {
  // Two containers share a pid namespace (a pod): c2 joined c1's. kill --all
  // and ps of c2 must reach c2's processes only.
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  std::string b2 = tmp_ + "/bundle2";
  fs::create_directories(b2);
  Json c2 = config({"sleep", "999"});
  c2["root"]["path"] = rootfs_;
  for (auto& ns : c2["linux"]["namespaces"])
    if (ns["type"] == "pid") ns["path"] = "/proc/" + std::to_string(pid_of("c1")) + "/ns/pid";
  write_config(c2, b2);
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", b2, "c2"}).code, 0);
  auto ps = Json::parse(mcrun({"ps", "--format", "json", "c2"}).out);
  EXPECT_EQ(ps, Json::array({pid_of("c2")}));
  ASSERT_EQ(mcrun({"kill", "--all", "c2", "KILL"}).code, 0);
  EXPECT_TRUE(eventually([&] { return status("c2") == "stopped"; }));
  EXPECT_EQ(status("c1"), "running") << "kill --all of c2 killed its sibling";
}

TEST_F(Security, DeleteForceRemovesCgroupsTheContainerMade) {
  // A container with a writable cgroup mount makes child cgroups (systemd
  // inside, a nested runtime) and puts processes there: delete --force must
  // still succeed and leave no cgroup behind.
  Json c = config({"sh", "-c",
                   "for h in memory pids cpu freezer; do mkdir /sys/fs/cgroup/$h/child; "
                   "echo $$ > /sys/fs/cgroup/$h/child/cgroup.procs; done; sleep 1000"});
  if (!cgroup2_root().empty() && exists("/sys/fs/cgroup/cgroup.controllers"))
    c["process"]["args"] = {
        "sh", "-c",
        "mkdir /sys/fs/cgroup/child; echo $$ > /sys/fs/cgroup/child/cgroup.procs; sleep 1000"};
  writable_cgroup_mount(c);
  write_config(c);
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  ASSERT_TRUE(eventually([&] {
    return exists("/sys/fs/cgroup/memory/mcrun/c1/child") ||
           exists("/sys/fs/cgroup/mcrun/c1/child");
  }));
  auto r = mcrun({"delete", "--force", "c1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(exists("/sys/fs/cgroup/memory/mcrun/c1"));
  EXPECT_FALSE(exists("/sys/fs/cgroup/mcrun/c1"));
}

TEST_F(Security, StartSocketIsNoOneElsesUnderUmaskZero) {
  // A state root under a world-readable directory (as /run/mcrun), and a
  // client with umask 0: another local user must not reach the start socket
  // (it would start the container and feed its startContainer hooks).
  ::chmod(tmp_.c_str(), 0755);
  write_config(config({"sleep", "1000"}));
  mode_t old = ::umask(0);
  auto r = mcrun({"create", "--bundle", bundle_, "c1"});
  ::umask(old);
  ASSERT_EQ(r.code, 0) << r.err;
  auto mode = [](const std::string& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 07777;
  };
  EXPECT_EQ(mode(state_), 0700u);
  EXPECT_EQ(mode(state_ + "/c1"), 0700u);
  EXPECT_EQ(mode(state_ + "/c1/state.json"), 0600u);
  EXPECT_EQ(mode(state_ + "/c1/init"), 0600u);
  EXPECT_EQ(mode(state_ + "/c1/start.sock"), 0600u);
  pid_t intruder = ::fork();
  if (intruder == 0) {
    if (::setgid(65534) < 0 || ::setuid(65534) < 0) _exit(2);
    int sock = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s/c1/start.sock", state_.c_str());
    if (::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) _exit(1);
    struct {
      uint32_t type;
      int32_t code;
      int64_t value;
    } go{1, 0, 0};  // SyncType::Go, no state
    (void)!::send(sock, &go, sizeof go, 0);
    ::sleep(1);
    _exit(0);
  }
  int wait_status = 0;
  ::waitpid(intruder, &wait_status, 0);
  EXPECT_EQ(WEXITSTATUS(wait_status), 1) << "an unprivileged user connected to the start socket";
  EXPECT_EQ(status("c1"), "created");
}

TEST_F(Security, SysctlIsRefusedInTheHostsNetworkNamespace) {
  // Joining the host's network namespace by path and setting a net.* sysctl
  // would change the host (runc: "not allowed in host network namespace").
  std::string file = "/proc/sys/net/core/somaxconn";
  std::string before = read_file(file);
  Json c = config({"true"});
  std::string host_net = "/proc/" + std::to_string(::getpid()) + "/ns/net";
  for (auto& ns : c["linux"]["namespaces"])
    if (ns["type"] == "network") ns["path"] = host_net;
  c["linux"]["sysctl"] = {{"net.core.somaxconn", std::to_string(std::stoi(before) + 1)}};
  auto r = run(c);
  std::string after = read_file(file);
  if (after != before) write_file(file, before);  // put the host back
  EXPECT_EQ(after, before) << "the container changed the host's sysctl";
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "mcrun: run c1: config.json: /linux/sysctl/net.core.somaxconn: not allowed in the "
            "host's network "
            "namespace (\"" +
                host_net + "\" is ours)\n");
}

TEST_F(Security, AppArmorAndSelinuxAreNeverDroppedSilently) {
  // Asked to confine the container on a host without the module, mcrun must
  // refuse (as runc) instead of running it unconfined; nothing is left.
  if (runtime_has_lsm())
    GTEST_SKIP() << "this host has AppArmor or SELinux: the refusal cannot be seen here";
  Json c = config({"true"});
  c["process"]["apparmorProfile"] = "mcrun-test";
  c["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0";
  c["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0";
  auto r = run(c);
  EXPECT_EQ(r.code, 1);
  // In document order, with every other create-time problem (spec/create_rules.cpp).
  EXPECT_EQ(r.err,
            "mcrun: run c1: config.json: /linux/mountLabel: SELinux is not enabled on this host: "
            "refusing to run the container unconfined\n"
            "mcrun: config.json: /process/apparmorProfile: AppArmor is not enabled on this host: "
            "refusing to run the container unconfined\n"
            "mcrun: config.json: /process/selinuxLabel: SELinux is not enabled on this host: "
            "refusing to run the container unconfined\n");
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c2"}).code, 0);
  auto e = mcrun({"exec", "--apparmor", "mcrun-test", "c2", "true"});
  EXPECT_EQ(e.code, 1);
  EXPECT_EQ(e.err,
            "mcrun: exec c2: process: /apparmorProfile: AppArmor is not enabled on this host: "
            "refusing to "
            "run the container unconfined\n");
}

// CVE-2019-16884: a container whose /proc is a plain directory (an image's
// volume mounted there) took runc's AppArmor label to a plain file, and the
// program ran unconfined without an error. mcrun writes the label where the
// container's mounts are in place (the init after pivot_root, exec after
// entering them), so the file it writes must be the kernel's. Neither this
// host nor the test VM has a security module with profiles loaded (runtime
// refusal above), so the write itself is driven here: in a mount namespace
// whose /proc is a tmpfs holding the attr files, as such a container's is.
TEST_F(Security, ExecLabelsAreWrittenToTheKernelsProcOnly) {
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", "/proc", "tmpfs", 0, nullptr) != 0)
      ::_exit(2);
    fs::create_directories("/proc/self/attr/apparmor");
    for (const char* f : {"/proc/self/attr/exec", "/proc/self/attr/apparmor/exec"})
      write_file(f, "");
    spec::Process p;
    p.apparmor_profile = "mcrun-test";
    p.selinux_label = "system_u:system_r:container_t:s0";
    auto r = runtime::set_exec_labels(p);
    bool written = !read_file("/proc/self/attr/exec").empty() ||
                   !read_file("/proc/self/attr/apparmor/exec").empty();
    ::_exit(written ? 3 : r ? 4 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  // 0: refused with nothing written; 3: the label went to the plain file.
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(Security, ExecLabelsAreNotRedirectedToAnotherProcfsFile) {
  // A procfs file bound over the attr file (by a process sharing the
  // container's mounts, runc's CVE-2025-52881, whose exploit binds
  // /proc/sys/kernel/core_pattern there) is procfs too. Here it is the
  // hostname of a UTS namespace of the test's own.
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string attr = "/proc/" + std::to_string(::getpid()) + "/attr/exec";
    if (::unshare(CLONE_NEWNS | CLONE_NEWUTS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::sethostname("before", 6) != 0 ||
        ::mount("/proc/sys/kernel/hostname", attr.c_str(), nullptr, MS_BIND, nullptr) != 0)
      ::_exit(2);
    spec::Process p;
    p.selinux_label = "pwned";
    auto r = runtime::set_exec_labels(p);
    char name[64] = {};
    ::gethostname(name, sizeof name - 1);
    ::_exit(std::string(name) == "pwned" ? 3 : r ? 4 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  // 0: refused with nothing written; 3: the label became the hostname.
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// The same class from the config's side: what is mounted on or inside the
// container's /proc. A plain directory bound over /proc (an image's volume
// there, the CVE's own vector) and a tmpfs led onto /proc/self/attr by a
// symlink of the image: both ran before, with the container's label files
// not the kernel's. Now, as runc, only a procfs goes on /proc and only
// lxcfs's files inside it, checked where the destination really resolves.
TEST_F(Security, NothingButAProcfsGoesOnOrInsideProc) {
  fs::create_directories(tmp_ + "/fakeproc/self/attr");
  write_file(tmp_ + "/fakeproc/self/attr/exec", "");
  Json c = config({"sh", "-c", "stat -f -c %T /proc/self/attr"});
  c["mounts"].push_back({{"destination", "/proc"},
                         {"type", "bind"},
                         {"source", tmp_ + "/fakeproc"},
                         {"options", {"rbind"}}});
  auto r = run(c);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.err.find("mount \"/proc\" (bind from \"" + tmp_ +
                       "/fakeproc\"): only a procfs may be mounted on /proc"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(exists(state_ + "/c1"));

  fs::create_symlink("/proc/self/attr", rootfs_ + "/vol");
  c = config({"sh", "-c", "stat -f -c %T /proc/self/attr"});
  c["mounts"].push_back({{"destination", "/vol"}, {"type", "tmpfs"}, {"source", "tmpfs"}});
  r = run(c);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.err.find("mount \"/vol\" (tmpfs): \"/proc/1/attr\" is inside /proc, where only "
                       "the files lxcfs emulates may be mounted"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(exists(state_ + "/c1"));

  // What lxcfs does stays possible: a file bound over /proc/meminfo.
  write_file(tmp_ + "/meminfo", "MemTotal: 42 kB\n");
  c = config({"head", "-1", "/proc/meminfo"});
  c["mounts"].push_back({{"destination", "/proc/meminfo"},
                         {"type", "bind"},
                         {"source", tmp_ + "/meminfo"},
                         {"options", {"bind", "ro"}}});
  r = run(c);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "MemTotal: 42 kB\n");
}

TEST_F(Security, MaskedFilesAreCoveredOnlyByTheNullDevice) {
  // An image with /dev of its own (no tmpfs there) whose /dev/null is a
  // symlink to a procfs file: masking bound that file, writable, over the
  // masked one (runc's CVE-2025-31133, whose exploit points it at
  // /proc/sys/kernel/core_pattern; here at the container's own hostname,
  // which its UTS namespace keeps from the host).
  Json c = config({"sh", "-c", "cat /proc/uptime; echo pwned > /proc/uptime; hostname"});
  Json mounts = Json::array();
  for (const auto& m : c["mounts"])
    if (!m["destination"].get<std::string>().starts_with("/dev")) mounts.push_back(m);
  c["mounts"] = mounts;
  c["hostname"] = "masked";
  c["linux"]["maskedPaths"] = {"/proc/uptime"};
  fs::create_symlink("/proc/sys/kernel/hostname", rootfs_ + "/dev/null");
  auto r = run(c);
  EXPECT_EQ(r.code, 1) << "the masked file showed: " << r.out;
  EXPECT_NE(r.err.find("mask: the container's /dev/null is not the null device"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(exists(state_ + "/c1"));

  // A regular file there (a container's copy of anything) is refused too.
  fs::remove(rootfs_ + "/dev/null");
  write_file(rootfs_ + "/dev/null", "a secret\n");
  r = run(c);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(r.out, "");

  // The null device itself still masks: the file reads empty.
  fs::remove(rootfs_ + "/dev/null");
  ASSERT_EQ(::mknod((rootfs_ + "/dev/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  c["process"]["args"] = {"sh", "-c", "wc -c < /proc/uptime"};
  r = run(c);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "0\n");
}

// The pid of a live process whose command line is `cmdline` (spaces for NULs).
pid_t find_process(const std::string& cmdline) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = read_file(e.path().string() + "/cmdline");
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    std::string stat = read_file(e.path().string() + "/stat");
    if (cmd == cmdline + " " && stat.find(") Z") == std::string::npos) return std::stoi(name);
  }
  return 0;
}

TEST_F(Security, PosixModeLeavesNoOrphanBehind) {
  // No namespaces and no cgroup (Mesos's posix isolators): a task's
  // double-forked daemon is nobody's child of the container any more, yet it
  // must die with it, on delete --force and when run's program exits.
  auto posix = [&](const std::string& bundle, const std::string& script) {
    return mcrun({"convert", "--isolation", "posix/cpu,posix/mem", "--work-dir", tmp_ + "/sandbox",
                  "--bundle", tmp_ + "/" + bundle, "--", "/bin/sh", "-c", script});
  };
  ASSERT_EQ(posix("p1", "(sleep 1001 &); exec sleep 1000").code, 0);
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", tmp_ + "/p1", "p1"}).code, 0);
  pid_t orphan = 0;
  ASSERT_TRUE(eventually([&] { return (orphan = find_process("sleep 1001")) > 0; }));
  auto del = mcrun({"delete", "--force", "p1"});
  EXPECT_EQ(del.code, 0) << del.err;
  EXPECT_TRUE(eventually([&] { return find_process("sleep 1001") == 0; }))
      << "the orphan survived delete --force";
  ASSERT_EQ(posix("p2", "(sleep 1002 &); sleep 0.2").code, 0);
  EXPECT_EQ(mcrun({"run", "--bundle", tmp_ + "/p2", "p2"}).code, 0);
  EXPECT_TRUE(eventually([&] { return find_process("sleep 1002") == 0; }))
      << "the orphan survived run";
}

TEST_F(Security, PreserveFdsIsANumberFromZeroUp) {
  // A negative count once reached close_range as a huge unsigned start, so
  // nothing was closed and mcrun's own fds (its --log file here) leaked into
  // the container.
  write_config(config({"sleep", "1000"}));
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  for (const char* bad : {"-5", "abc", ""}) {
    auto r =
        mcrun({"--log", tmp_ + "/log", "exec", "--preserve-fds", bad, "c1", "ls", "/proc/self/fd"});
    EXPECT_EQ(r.code, 1) << bad << ": " << r.out;
    EXPECT_EQ(r.err, "mcrun: --preserve-fds: must be a number from 0 to 1000, not \"" +
                         std::string(bad) + "\"\n");
  }
  auto ok = mcrun({"--log", tmp_ + "/log", "exec", "c1", "ls", "/proc/self/fd"});
  EXPECT_EQ(ok.out, "0\n1\n2\n3\n") << ok.err;  // stdio, and ls's own fd of the directory
}

// `mcrun convert` prepares sandbox directories as root, in a work dir that an
// earlier task may have written to.
class ConvertSecurity : public Security {
 protected:
  Output convert(const std::string& info, const std::string& work,
                 std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"convert", "--container-info", info,         "--work-dir",
                                     work,      "--bundle",         tmp_ + "/out"};
    args.insert(args.end(), more.begin(), more.end());
    args.insert(args.end(), {"--", "true"});
    return mcrun(args);
  }
  static mode_t mode_of(const std::string& p) {
    struct stat st {};
    ::lstat(p.c_str(), &st);
    return st.st_mode & 07777;
  }
};

TEST_F(ConvertSecurity, NeverChmodsThroughASymlinkInTheWorkDir) {
  std::string work = tmp_ + "/sandbox", victim = tmp_ + "/victim";
  fs::create_directories(work);
  fs::create_directories(victim + "/x");
  ::chmod((victim + "/x").c_str(), 0700);
  fs::create_symlink(victim, work + "/tmp");  // planted by an earlier task
  auto r = convert(
      R"({"type":"MESOS","volumes":[{"host_path":"tmp/x","container_path":"/tmp","mode":"RW"}]})",
      work);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "mcrun: --container-info: /volumes/0/host_path: \"" + work +
                       "/tmp\" exists and is not a directory (a symlink is never followed out of "
                       "the work dir)\n");
  EXPECT_EQ(mode_of(victim + "/x"), 0700u) << "convert changed a directory outside the work dir";
  EXPECT_FALSE(exists(tmp_ + "/out/config.json"));
}

TEST_F(ConvertSecurity, RefusesAWorkDirThatIsASymlink) {
  std::string elsewhere = tmp_ + "/elsewhere", work = tmp_ + "/sandbox";
  fs::create_directories(elsewhere);
  fs::create_symlink(elsewhere, work);
  auto r = convert(
      R"({"type":"MESOS","volumes":[{"host_path":"tmp","container_path":"/tmp","mode":"RW"}]})",
      work);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("is a symlink (or not a directory): refusing to use it"), std::string::npos)
      << r.err;
  EXPECT_FALSE(exists(elsewhere + "/tmp"));
}

TEST_F(ConvertSecurity, AnImagesSymlinkDoesNotLendItTheHostsModeAndOwner) {
  // With --rootfs the sandbox directory copies what the image has at
  // container_path; an image's absolute symlink there means a path inside
  // the image, never the host directory of that name.
  std::string host_dir = tmp_ + "/host-dir", work = tmp_ + "/sandbox";
  fs::create_directories(host_dir);
  ::chmod(host_dir.c_str(), 0710);
  ASSERT_EQ(::chown(host_dir.c_str(), 1234, 1234), 0);
  fs::remove(rootfs_ + "/tmp");
  fs::create_symlink(host_dir, rootfs_ + "/tmp");
  auto r = convert(
      R"({"type":"MESOS","volumes":[{"host_path":"tmp","container_path":"/tmp","mode":"RW"}]})",
      work, {"--rootfs", rootfs_});
  ASSERT_EQ(r.code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat((work + "/tmp").c_str(), &st), 0);
  EXPECT_NE(st.st_uid, 1234u) << "the sandbox directory took the owner of a host directory";
  EXPECT_NE(st.st_mode & 07777, 0710u);
}

TEST_F(ConvertSecurity, AnOverlongHostPathCreatesNothing) {
  std::string work = tmp_ + "/sandbox", hp;
  while (hp.size() < 6000) hp += "a/";
  Json info = {{"type", "MESOS"},
               {"volumes", {{{"host_path", hp}, {"container_path", "/tmp"}, {"mode", "RW"}}}}};
  auto r = convert(info.dump(), work);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("/volumes/0/host_path: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is longer than a path may be"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(work)) << "convert created directories before failing";
}

}  // namespace
}  // namespace mcrun::it
