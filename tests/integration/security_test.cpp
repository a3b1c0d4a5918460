// Attacks on the host, performed for real from inside a container (or by a
// hostile bundle or local user), each against something this test owns: a
// copy of the mcrun binary, a file in the test's directory, a cgroup the
// test made. Each test fails if the attack gets through.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace mcrun::it {
namespace {

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
    auto r = mcrun({"exec", "-d", "c1", "sh", "-c", "attacker " + args + " > /tmp/verdict.new; echo $? >> /tmp/verdict.new; "
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
    EXPECT_TRUE(read_file(copy_) == original_) << "the container overwrote the runtime binary: " << v;
    // The attack was really made: the attacker held the binary and was refused.
    EXPECT_TRUE(v.starts_with("grabbed ") && v.ends_with("\n3\n")) << v;
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
  write_file(rootfs_ + "/hook.sh",
             "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status > /tmp/hook; id -u >> /tmp/hook\n"
             "mount -t tmpfs x /mnt 2>/dev/null && echo mounted >> /tmp/hook\n"
             "mkdir /tmp/hook-dir 2>/dev/null && echo mkdir >> /tmp/hook\n"
             "exit 0\n");
  Json c = config({"sh", "-c", "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status; id -u; cat /tmp/hook"});
  c["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
  c["linux"]["seccomp"] = Json::parse(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
    "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})");
  c["hooks"]["startContainer"] = {{{"path", "/bin/sh"}, {"args", {"sh", "/hook.sh"}}}};
  auto r = run(c);
  ASSERT_EQ(r.code, 0) << r.err;
  // The program's view first, then the hook's: the same lines, nothing more.
  auto half = r.out.size() / 2;
  EXPECT_EQ(r.out.substr(0, half), r.out.substr(half)) << r.out;
  EXPECT_NE(r.out.find("NoNewPrivs:\t1\nSeccomp:\t2\n1000\n"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mcrun::it
