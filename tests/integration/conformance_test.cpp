// What other projects' suites found (opencontainers/runtime-tools' validation
// tests, runc's and crun's behaviour on the same bundles), each as a test of
// its own here.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace mcrun::it {
namespace {

using Conformance = Container;

TEST_F(Conformance, RuncSpecsOwnBundleRuns) {
  // Every tutorial starts from `runc spec`. Its default lists ambient
  // capabilities without inheritable ones, which the kernel will not raise:
  // runc and crun skip them, and so does mcrun (it failed with EPERM).
  if (::access("/usr/sbin/runc", X_OK) != 0)
    GTEST_SKIP() << "runc is not installed here (the VM has none)";
  std::string cmd = "cd " + bundle_ + " && rm -f config.json && /usr/sbin/runc spec";
  ASSERT_EQ(::system(cmd.c_str()), 0);
  Json c = Json::parse(read_file(bundle_ + "/config.json"));
  ASSERT_FALSE(c["process"]["capabilities"]["ambient"].empty());
  ASSERT_FALSE(c["process"]["capabilities"].contains("inheritable"));
  c["process"]["terminal"] = false;  // the only changes: no tty, and a command
  c["process"]["args"] = {"sh", "-c", "grep -E '^Cap(Eff|Amb)' /proc/self/status"};
  write_config(c);
  auto r = mcrun({"run", "--bundle", bundle_, "c1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "CapEff:\t0000000020000420\nCapAmb:\t0000000000000000\n");  // AUDIT_WRITE, KILL,
                                                                               // NET_BIND_SERVICE
}

TEST_F(Conformance, WithoutAMountNamespaceTheHostsMountTableIsUntouched) {
  // runtime-tools' linux_ns_itype: a config with no namespaces at all, a
  // rootfs and the usual mounts. runc and crun chroot into the rootfs and
  // make the mounts on the host; mcrun chroots and makes none (it says so).
  Json c =
      config({"sh", "-c",
              "readlink /proc/self/ns/mnt 2>/dev/null; test -x /bin/busybox && echo in-rootfs"});
  c["linux"]["namespaces"] = Json::array();
  c["hostname"] = nullptr;
  c["root"]["readonly"] = false;
  c["linux"]["maskedPaths"] = Json::array();
  c["linux"]["readonlyPaths"] = Json::array();
  std::string before = read_file("/proc/self/mountinfo");
  auto r = run(c);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "in-rootfs\n");  // chrooted; no /proc of its own to read
  EXPECT_NE(r.err.find("mount(s) not made: there is no mount namespace"), std::string::npos)
      << r.err;
  EXPECT_EQ(read_file("/proc/self/mountinfo"), before) << "the host's mount table changed";
}

TEST_F(Conformance, FilesystemDataOnABindMountIsIgnored) {
  // runtime-tools' mounts test: a bind with "mode=755", "size=1k".
  fs::create_directories(tmp_ + "/shared");
  write_file(tmp_ + "/shared/f", "bound");
  Json c = config({"cat", "/data/f"});
  c["mounts"].push_back({{"destination", "/data"},
                         {"type", "bind"},
                         {"source", tmp_ + "/shared"},
                         {"options", {"bind", "mode=755", "size=1k"}}});
  auto r = run(c);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "bound");
}

TEST_F(Conformance, FdsAreClosedBeforeASeccompProfileThatRefusesCloseRange) {
  // runtime-tools' default profile does not allow close_range: mcrun must not
  // need it once the filter is loaded, or the caller's fds leak in (and
  // checking it made every such container fail).
  Json c = config({"ls", "/proc/self/fd"});
  c["linux"]["seccomp"] =
      Json::parse(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
    "syscalls":[{"names":["close_range"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})");
  write_config(c);
  std::string out = tmp_ + "/ls.out";
  pid_t pid = ::fork();
  if (pid == 0) {
    int leak = ::open("/etc/hostname", O_RDONLY);  // no O_CLOEXEC: the caller's fd
    ::dup2(leak, 7);
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ::dup2(o, 1);
    ::execl(MCRUN_BINARY, MCRUN_BINARY, "--root", state_.c_str(), "run", "--bundle",
            bundle_.c_str(), "c1", nullptr);
    _exit(127);
  }
  ids_.push_back("c1");
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(read_file(out), "0\n1\n2\n3\n");  // ls's own fd of /proc/self/fd, and no 7
}

TEST_F(Conformance, ErrorsClientsParseHaveRuncsWording) {
  // containerd's shim decides by the text of the runtime's error: a kill of
  // a container whose process already finished must say "container not
  // running" (else it is an unknown failure and a pod sandbox can never be
  // stopped), an unknown id "does not exist".
  write_config(config({"true"}));
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  ASSERT_TRUE(eventually([&] { return status("c1") == "stopped"; }));
  for (std::vector<std::string> verb : {std::vector<std::string>{"kill", "c1", "KILL"},
                                        {"kill", "--all", "c1", "KILL"},
                                        {"exec", "c1", "true"},
                                        {"pause", "c1"}}) {
    auto r = mcrun(verb);
    EXPECT_EQ(r.code, 1) << verb[0];
    EXPECT_NE(r.err.find("container not running"), std::string::npos) << r.err;
  }
  for (std::vector<std::string> verb : {std::vector<std::string>{"kill", "nope", "KILL"},
                                        {"delete", "nope"},
                                        {"state", "nope"},
                                        {"start", "nope"},
                                        {"exec", "nope", "true"}}) {
    auto r = mcrun(verb);
    EXPECT_EQ(r.code, 1) << verb[0];
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  }
}

TEST_F(Conformance, SpecFieldsMcrunDoesNotApplyAreRefused) {
  // Kept in the model but not applied: a container asking for them must not
  // run without them.
  Json c = config({"true"});
  c["linux"]["intelRdt"] = {{"closID", "guaranteed"}};
  c["linux"]["resources"]["rdma"] = {{"mlx5_1", {{"hcaHandles", 3}}}};
  auto r = run(c);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(
      r.err,
      "mcrun: run c1: config.json: /linux/intelRdt: is not supported by mcrun (no Intel RDT)\n"
      "mcrun: config.json: /linux/resources/rdma: is not supported by mcrun (no rdma cgroup)\n");
}

}  // namespace
}  // namespace mcrun::it
