// Convert a Mesos ContainerInfo, then run the bundle: the Mesos isolation a
// task would see, and (with --rootfs) a bundle runc runs unchanged.
#include <sys/mount.h>
#include <sys/stat.h>

#include <filesystem>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace mcrun::it {
namespace {

class ConvertRun : public Container {
 protected:
  Output convert(std::vector<std::string> args) {
    std::vector<std::string> all = {"convert", "--work-dir", tmp_ + "/sandbox", "--bundle",
                                    tmp_ + "/mesos-bundle"};
    all.insert(all.end(), args.begin(), args.end());
    return mcrun(all);
  }
  Output run_converted(const std::string& id = "task") {
    return mcrun({"run", "--bundle", tmp_ + "/mesos-bundle", id});
  }
};

TEST_F(ConvertRun, SharedFilesystemPrivateTmpReadOnlyVolumeAndPid1) {
  std::string marker = "mcrun-task-" + std::to_string(::getpid());
  fs::create_directories(tmp_ + "/shared-ro");
  auto c = convert(
      {"--container-info",
       R"({"type":"MESOS","volumes":[{"host_path":"tmp","container_path":"/tmp","mode":"RW"},)"
       R"({"host_path":")" +
           tmp_ + R"(/shared-ro","container_path":"/srv","mode":"RO"}]})",
       "--", "/bin/sh", "-c",
       "touch /tmp/" + marker +
           "; touch /srv/x 2>/dev/null && echo srv-rw || echo srv-ro; "
           "echo $(ps -e -o pid= -o comm= | head -1); stat -c %a /tmp; echo $MESOS_SANDBOX; pwd"});
  ASSERT_EQ(c.code, 0) << c.err;
  auto r = run_converted();
  ASSERT_EQ(r.code, 0) << r.err;
  std::string sandbox = tmp_ + "/sandbox";
  EXPECT_EQ(r.out, "srv-ro\n1 sh\n1777\n" + sandbox + "\n" + sandbox + "\n");
  EXPECT_TRUE(exists(sandbox + "/tmp/" + marker));  // the sandbox's tmp
  EXPECT_FALSE(exists("/tmp/" + marker));           // not the host's
  EXPECT_FALSE(exists(tmp_ + "/shared-ro/x"));
}

TEST_F(ConvertRun, PosixModeRunsWithoutNamespaces) {
  ASSERT_EQ(convert({"--isolation", "posix/cpu,posix/mem", "--", "/bin/sh", "-c",
                     "readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt"})
                .code,
            0);
  auto r = run_converted();
  ASSERT_EQ(r.code, 0) << r.err;
  char host_pid[64] = {}, host_mnt[64] = {};
  ::readlink("/proc/self/ns/pid", host_pid, sizeof host_pid - 1);
  ::readlink("/proc/self/ns/mnt", host_mnt, sizeof host_mnt - 1);
  EXPECT_EQ(r.out, std::string(host_pid) + "\n" + host_mnt + "\n");
}

TEST_F(ConvertRun, ImageRootfsRunsOnMcrunAndOnRunc) {
  ASSERT_EQ(
      convert(
          {"--container-info",
           R"({"type":"MESOS","volumes":[{"host_path":"tmp","container_path":"/tmp","mode":"RW"}]})",
           "--rootfs", rootfs_, "--", "sh", "-c",
           "echo hi > /tmp/from-task; ls /mnt/mesos/sandbox; echo $MESOS_SANDBOX"})
          .code,
      0);
  auto r = run_converted();
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "tmp\n/mnt/mesos/sandbox\n");
  EXPECT_EQ(read_file(tmp_ + "/sandbox/tmp/from-task"), "hi\n");
  fs::remove(tmp_ + "/sandbox/tmp/from-task");

  // The same bundle, unchanged, under runc: it is real OCI.
  ASSERT_EQ(::access("/usr/sbin/runc", X_OK), 0) << "runc is needed (apt-get install runc)";
  std::string runc = "cd " + tmp_ + "/mesos-bundle && /usr/sbin/runc --root " + tmp_ +
                     "/runc-state run mcrun-it-" + std::to_string(::getpid()) + " > " + tmp_ +
                     "/runc.out 2>&1 < /dev/null";
  EXPECT_EQ(::system(runc.c_str()), 0) << read_file(tmp_ + "/runc.out");
  EXPECT_EQ(read_file(tmp_ + "/runc.out"), "tmp\n/mnt/mesos/sandbox\n");
  EXPECT_EQ(read_file(tmp_ + "/sandbox/tmp/from-task"), "hi\n");
}

TEST_F(ConvertRun, SharePidNamespaceSeesTheHost) {
  ASSERT_EQ(
      convert({"--container-info", R"({"type":"MESOS","linux_info":{"share_pid_namespace":true}})",
               "--", "/bin/sh", "-c", "test -d /proc/1 && readlink /proc/self/ns/pid"})
          .code,
      0);
  auto r = run_converted();
  char host_pid[64] = {};
  ::readlink("/proc/self/ns/pid", host_pid, sizeof host_pid - 1);
  EXPECT_EQ(r.out, std::string(host_pid) + "\n");
}

TEST_F(ConvertRun, CgroupsIsolatorsAloneStillLimitTheTask) {
  // --isolation cgroups/cpu,cgroups/mem (Mesos's "cgroups") and nothing else:
  // no namespace, yet the task is in a cgroup with its limits (it had none,
  // and every limit was dropped).
  auto c = convert({"--isolation", "cgroups/cpu,cgroups/mem", "--resources", "cpus:0.5;mem:64",
                    "--", "/bin/sh", "-c", "cat /proc/self/cgroup"});
  ASSERT_EQ(c.code, 0) << c.err;
  auto r = run_converted("task");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("/mcrun/task"), std::string::npos) << r.out;
  write_config(Json::parse(
      read_file(tmp_ + "/mesos-bundle/config.json")));  // unchanged; for the detached run
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", tmp_ + "/mesos-bundle", "task2"}).code, 0);
  EXPECT_EQ(cgroup_file("task2", "memory", "memory.limit_in_bytes", "memory.max"), "67108864\n");
  EXPECT_EQ(mcrun({"delete", "--force", "task2"}).code, 0);
}

// Tests named after the Mesos tests whose assertions they mirror
// (src/tests/containerizer/*_isolator_tests.cpp), on the converted bundle.

TEST_F(ConvertRun, Mesos_LinuxFilesystemIsolatorTest_MaskedPathsWithRootFilesystem) {
  // With an image: Mesos's ROOTFS_MASKED_PATHS masked, /proc/sys read-only,
  // and a /dev/shm of its own (mode 1777) where POSIX shared memory lives.
  auto c = convert(
      {"--isolation", "filesystem/linux,namespaces/pid", "--rootfs", rootfs_, "--", "/bin/sh", "-c",
       "cat /proc/keys | wc -c; grep -q ' /proc/sys proc ro,' /proc/self/mounts && echo sys-ro; "
       "stat -c %a /dev/shm; echo x > /dev/shm/seg && echo shm-ok; grep -c ' /dev/shm ' "
       "/proc/self/mounts"});
  ASSERT_EQ(c.code, 0) << c.err;
  auto r = run_converted();
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "0\nsys-ro\n1777\nshm-ok\n1\n");
}

TEST_F(ConvertRun, Mesos_NamespacesIsolatorTest_PrivateIPCNamespace) {
  // ipc_mode PRIVATE with shm_size: its own IPC namespace and a /dev/shm of
  // that size.
  Json info = {{"type", "MESOS"}, {"linux_info", {{"ipc_mode", "PRIVATE"}, {"shm_size", 16}}}};
  auto c = convert({"--container-info", info.dump(), "--isolation",
                    "filesystem/linux,namespaces/ipc", "--rootfs", rootfs_, "--", "/bin/sh", "-c",
                    "readlink /proc/self/ns/ipc; df -k /dev/shm | tail -1"});
  ASSERT_EQ(c.code, 0) << c.err;
  auto r = run_converted();
  ASSERT_EQ(r.code, 0) << r.err;
  char host_ipc[64] = {};
  ::readlink("/proc/self/ns/ipc", host_ipc, sizeof host_ipc - 1);
  EXPECT_EQ(r.out.find(host_ipc), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 16384 "), std::string::npos) << r.out;  // 16 MB in 1K blocks
}

TEST_F(ConvertRun, Mesos_VolumeSandboxPathIsolatorTest_SelfType) {
  Json info = {{"type", "MESOS"},
               {"volumes",
                {{{"container_path", "/data"},
                  {"mode", "RW"},
                  {"source",
                   {{"type", "SANDBOX_PATH"},
                    {"sandbox_path", {{"type", "SELF"}, {"path", "shared/data"}}}}}}}}};
  auto c = convert({"--container-info", info.dump(), "--isolation", "filesystem/linux", "--rootfs",
                    rootfs_, "--", "/bin/sh", "-c", "echo from-task > /data/file"});
  ASSERT_EQ(c.code, 0) << c.err;
  auto r = run_converted();
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_file(tmp_ + "/sandbox/shared/data/file"), "from-task\n");
}

TEST_F(ConvertRun, Mesos_VolumeHostPathIsolatorTest_VolumeFromHostSandboxMountPoint) {
  // A HOST_PATH volume at a container_path relative to the sandbox.
  fs::create_directories(tmp_ + "/host-dir");
  write_file(tmp_ + "/host-dir/f", "from-host");
  Json info = {
      {"type", "MESOS"},
      {"volumes",
       {{{"container_path", "mnt"},
         {"mode", "RO"},
         {"source", {{"type", "HOST_PATH"}, {"host_path", {{"path", tmp_ + "/host-dir"}}}}}}}}};
  auto c = convert({"--container-info", info.dump(), "--isolation", "filesystem/linux", "--rootfs",
                    rootfs_, "--", "/bin/sh", "-c",
                    "cat $MESOS_SANDBOX/mnt/f; touch $MESOS_SANDBOX/mnt/g 2>/dev/null || echo ro"});
  ASSERT_EQ(c.code, 0) << c.err;
  auto r = run_converted();
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "from-hostro\n");
}

// Mesos's ROOT_MountPropagation: a BIDIRECTIONAL HOST_PATH volume on a
// shared mount (the agent makes its work dir one); the task mounts a tmpfs
// in it and touches a file there, which the host must see. On a mount that
// is not shared, Mesos refuses the volume, and so does convert.
TEST_F(ConvertRun, Mesos_VolumeHostPathIsolatorTest_MountPropagation) {
  std::string dir = tmp_ + "/mount_directory", point = dir + "/mount_point";
  fs::create_directories(point);
  Json info = {
      {"type", "MESOS"},
      {"volumes",
       {{{"container_path", dir},
         {"mode", "RW"},
         {"source",
          {{"type", "HOST_PATH"},
           {"host_path", {{"path", dir}, {"mount_propagation", {{"mode", "BIDIRECTIONAL"}}}}}}}}}}};
  std::vector<std::string> args = {"--container-info",
                                   info.dump(),
                                   "--isolation",
                                   "filesystem/linux",
                                   "--",
                                   "/bin/sh",
                                   "-c",
                                   "mount -t tmpfs tmpfs " + point + " && touch " + point + "/foo"};
  auto refused = convert(args);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(
      refused.err.find(
          "/volumes/0/source/host_path/path: cannot set up bidirectional mount propagation for \"" +
          dir + "\": it is not under a shared mount"),
      std::string::npos)
      << refused.err;

  SharedMount shared(dir);
  ASSERT_TRUE(shared.ok());
  auto c = convert(args);
  ASSERT_EQ(c.code, 0) << c.err;
  auto r = run_converted();
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(exists(point + "/foo"));
  ::umount2(point.c_str(), MNT_DETACH);
}

TEST_F(ConvertRun, Mesos_CgroupsIsolatorTest_CFS_CommandTaskNoLimitsAndLimits) {
  // Mesos sets a CFS quota only with --cgroups_enable_cfs; cpu.shares and the
  // memory soft limit always (at least 2 shares, 32 MB).
  for (bool cfs : {false, true}) {
    std::vector<std::string> args = {"--isolation", "cgroups/cpu,cgroups/mem", "--resources",
                                     "cpus:0.5;mem:16"};
    if (cfs) args.push_back("--cgroups-enable-cfs");
    args.insert(args.end(), {"--", "/bin/sh", "-c", "sleep 1000"});
    ASSERT_EQ(convert(args).code, 0);
    std::string id = cfs ? "with-cfs" : "no-cfs";
    ASSERT_EQ(mcrun({"run", "-d", "--bundle", tmp_ + "/mesos-bundle", id}).code, 0);
    EXPECT_EQ(cgroup_file(id, "cpu", "cpu.shares", "cpu.weight"), cgroup_v2() ? "20\n" : "512\n");
    EXPECT_EQ(cgroup_file(id, "cpu", "cpu.cfs_quota_us", "cpu.max"),
              cfs ? (cgroup_v2() ? "50000 100000\n" : "50000\n")
                  : (cgroup_v2() ? "max 100000\n" : "-1\n"));
    EXPECT_EQ(cgroup_file(id, "memory", "memory.limit_in_bytes", "memory.max"),
              "33554432\n");  // 16 MB -> 32 MB
    EXPECT_EQ(cgroup_file(id, "memory", "memory.soft_limit_in_bytes", "memory.low"), "33554432\n");
    EXPECT_EQ(mcrun({"delete", "--force", id}).code, 0);
  }
}

// Mesos's disk/du (src/tests/disk_quota_tests.cpp, DiskQuotaEnforcement):
// posix/cpu,posix/mem,disk/du with disk:1 and the usage checked every 1ms;
// the task writes 2 MB. Enforced, it fails with Mesos's limitation message
// and nothing of it is left (it had no namespace, so its sleep must be found
// through its session and cgroup).
TEST_F(ConvertRun, Mesos_DiskQuotaEnforcement_DiskUsageExceedsQuota) {
  auto c =
      convert({"--isolation", "posix/cpu,posix/mem,disk/du", "--resources", "cpus:1;disk:1",
               "--enforce-container-disk-quota", "--container-disk-watch-interval", "1ms", "--",
               "/bin/sh", "-c", "dd if=/dev/zero of=file bs=1048576 count=2 && sleep 1000"});
  ASSERT_EQ(c.code, 0) << c.err;
  auto r = run_converted("task");
  EXPECT_EQ(r.code, 137) << r.err;
  EXPECT_NE(r.err.find("mcrun: run task: Disk usage ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(") exceeds quota (1MB): the container was killed"), std::string::npos)
      << r.err;
  EXPECT_EQ(mcrun({"state", "task"}).code, 1);  // deleted, as after any run
}

// A quota that can no longer be measured (here the task removed its own
// sandbox, so du finds nothing to total) is not left unwatched either.
TEST_F(ConvertRun, EnforcedDiskQuotaThatCannotBeMeasuredKillsTheTask) {
  std::string sandbox = tmp_ + "/sandbox";
  auto c = convert({"--isolation", "posix/cpu,posix/mem,disk/du", "--resources", "disk:1",
                    "--enforce-container-disk-quota", "--container-disk-watch-interval", "1ms",
                    "--", "/bin/sh", "-c", "cd / && rm -rf " + sandbox + " && sleep 1000"});
  ASSERT_EQ(c.code, 0) << c.err;
  auto r = run_converted("task");
  EXPECT_EQ(r.code, 137) << r.err;
  EXPECT_NE(r.err.find("mcrun: run task: the disk quota cannot be enforced: du \"" + sandbox +
                       "\" printed no total"),
            std::string::npos)
      << r.err;
}

// NoQuotaEnforcement and ResourceStatistics: not enforced, the task outgrows
// its quota and keeps running; the usage and the limit are reported.
TEST_F(ConvertRun, Mesos_DiskQuotaEnforcement_NoQuotaEnforcementAndResourceStatistics) {
  auto c = convert({"--isolation", "posix/cpu,posix/mem,disk/du", "--resources", "disk:1", "--",
                    "/bin/sh", "-c", "dd if=/dev/zero of=file bs=1048576 count=2 && sleep 1000"});
  ASSERT_EQ(c.code, 0) << c.err;
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", tmp_ + "/mesos-bundle", "task"}).code, 0);
  Json disk;
  EXPECT_TRUE(eventually([&] {
    auto e = mcrun({"events", "--stats", "task"});
    if (e.code != 0) return false;
    disk = Json::parse(e.out)["data"]["disk"];
    return disk["usage"].get<uint64_t>() >= 2 * 1024 * 1024;
  })) << disk.dump();
  EXPECT_EQ(disk["limit"], 1024 * 1024);
  EXPECT_EQ(status("task"), "running");
  EXPECT_EQ(mcrun({"delete", "--force", "task"}).code, 0);
}

// An enforced quota is watched by a foreground `mcrun run`; create and
// run --detach refuse it rather than leave it unenforced, and leave nothing.
TEST_F(ConvertRun, EnforcedDiskQuotaNeedsAForegroundRun) {
  ASSERT_EQ(convert({"--isolation", "disk/du", "--resources", "disk:1",
                     "--enforce-container-disk-quota", "--", "/bin/true"})
                .code,
            0);
  for (std::vector<std::string> verb : {std::vector<std::string>{"create"}, {"run", "--detach"}}) {
    verb.insert(verb.end(), {"--bundle", tmp_ + "/mesos-bundle", "task"});
    auto r = mcrun(verb);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("config.json: /annotations/mcrun.disk.enforce: an enforced disk limit is "
                         "watched by `mcrun run` in the foreground"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(mcrun({"state", "task"}).code, 1);
  }
}

// Mesos's ROOT_INTERNET_ShareAgentIPCNamespace: ipc_mode SHARE_PARENT shares
// the agent's IPC namespace and /dev/shm, with and without an image.
TEST_F(ConvertRun, Mesos_NamespacesIsolatorTest_ShareAgentIPCNamespace) {
  struct stat host_ipc;
  ASSERT_EQ(::stat("/proc/self/ns/ipc", &host_ipc), 0);
  std::string marker = "mcrun-shm-" + std::to_string(::getpid());
  Json info = {{"type", "MESOS"}, {"linux_info", {{"ipc_mode", "SHARE_PARENT"}}}};
  for (bool image : {false, true}) {
    SCOPED_TRACE(image ? "image" : "host filesystem");
    std::vector<std::string> args = {"--container-info", info.dump(), "--isolation",
                                     "filesystem/linux,namespaces/ipc"};
    if (image) args.insert(args.end(), {"--rootfs", rootfs_});
    args.insert(args.end(), {"--", "/bin/sh", "-c",
                             "stat -Lc %i /proc/self/ns/ipc; echo x > /dev/shm/" + marker});
    ASSERT_EQ(convert(args).code, 0);
    auto r = run_converted();
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, std::to_string(host_ipc.st_ino) + "\n");
    EXPECT_TRUE(exists("/dev/shm/" + marker));
    ::unlink(("/dev/shm/" + marker).c_str());
  }
}

// Mesos's LinuxSeccompIsolatorTest: the agent's default profile
// (--seccomp_profile_name, in --seccomp_config_dir) denies a syscall, so the
// task fails (ROOT_SECCOMP_LaunchWithUnameDisabled, with mkdir here: busybox's
// uname, in the cgroup v2 VM, ignores a failing uname(2)); a task's own
// profile_name overrides it (ROOT_SECCOMP_LaunchWithOverriddenProfile) and
// `unconfined` turns it off (ROOT_SECCOMP_LaunchWithSeccompDisabled).
TEST_F(ConvertRun, Mesos_LinuxSeccompIsolatorTest_DefaultOverriddenAndUnconfined) {
  std::string dir = tmp_ + "/seccomp";
  fs::create_directories(dir);
  write_file(dir + "/deny-mkdir.json", R"({"defaultAction": "SCMP_ACT_ALLOW",
      "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}],
      "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "args": [], "includes": {}, "excludes": {}}]})");
  write_file(dir + "/allow-all.json", R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []})");
  struct Case {
    const char* name;
    Json linux_info;
    int code;
  };
  int n = 0;
  for (const auto& [name, linux_info, code] :
       {Case{"default profile", Json::object(), 1},
        Case{"overridden", {{"seccomp", {{"profile_name", "allow-all.json"}}}}, 0},
        Case{"unconfined", {{"seccomp", {{"unconfined", true}}}}, 0}}) {
    SCOPED_TRACE(name);
    Json info = {{"type", "MESOS"}, {"linux_info", linux_info}};
    auto c =
        convert({"--container-info", info.dump(), "--isolation", "filesystem/linux,namespaces/pid",
                 "--seccomp-config-dir", dir, "--seccomp-profile", "deny-mkdir.json", "--", "mkdir",
                 tmp_ + "/probe" + std::to_string(n++)});
    ASSERT_EQ(c.code, 0) << c.err;
    auto r = run_converted();
    EXPECT_EQ(r.code, code) << r.err;
  }
}

}  // namespace
}  // namespace mcrun::it
