// The device allowlist (v1's devices controller, v2's eBPF program) and what
// only a cgroup v2 host has: every linux.resources field in its v2 file, the
// container's own cgroup as its /sys/fs/cgroup, kill --all through
// cgroup.kill, nested cgroupsPath as podman makes them. The v2 tests run in
// scripts/vm-test.sh (a cgroup2-only kernel); on a v1 host they say so.
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace mcrun::it {
namespace {

// /dev/kmsg (c 1 11): writable by anyone, and in no default allowlist. A
// write that the device cgroup refuses fails with EPERM.
const char* kKmsgWrite =
    "rm -f /tmp/kmsg; mknod /tmp/kmsg c 1 11 && (echo mcrun-test > /tmp/kmsg) 2>&1 | grep -o 'not "
    "permitted' || echo written";

class Devices : public Container {
 protected:
  Json with_mknod(Json c) {
    for (const char* set : {"bounding", "effective", "permitted"})
      c["process"]["capabilities"][set].push_back("CAP_MKNOD");
    return c;
  }
};

TEST_F(Devices, OnlyTheListedAndTheDefaultDevicesOpen) {
  Json c = with_mknod(
      config({"sh", "-c", std::string(kKmsgWrite) + "; echo x > /dev/null && echo null-ok"}));
  auto r = run(c);
  EXPECT_EQ(r.out, "not permitted\nnull-ok\n") << r.err;
}

TEST_F(Devices, WildcardsAndDenyRules) {
  // "c 1:* rw" opens every memory device; a later deny of 1:11 write wins.
  Json c = with_mknod(config({"sh", "-c", kKmsgWrite}));
  c["linux"]["resources"]["devices"] = {
      {{"allow", false}, {"access", "rwm"}},
      {{"allow", true}, {"type", "c"}, {"major", 1}, {"access", "rw"}}};
  EXPECT_EQ(run(c).out, "written\n");
  c["linux"]["resources"]["devices"].push_back(
      {{"allow", false}, {"type", "c"}, {"major", 1}, {"minor", 11}, {"access", "w"}});
  auto r = run(c, "c2");
  if (cgroup_v2()) {
    EXPECT_EQ(r.out, "not permitted\n") << r.err;
  } else {
    // v1's controller cannot take a device out of a wildcard exception: an
    // error (as runc), not a rule that silently does nothing.
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(
        r.err,
        "mcrun: run c2: config.json: /linux/resources/devices/2: cgroup v1 cannot deny part of the "
        "wildcard rule /linux/resources/devices/1, and this host uses cgroup v1\n");
  }
}

TEST_F(Devices, ADeniedAccessStaysDeniedInAnOpenThatAsksForMore) {
  // /dev/fuse (c 10 229, opened by anyone) readable and writable, then its
  // write denied: an open for reading and writing asks for both and must
  // fail too. v1's controller takes the write out of the exception; v2's
  // program let such an open through the read-write rule, since the deny
  // rule did not hold all that it asked for. (Without the fuse module an
  // open the cgroup allows fails with ENODEV instead.)
  Json c = with_mknod(
      config({"sh", "-c",
              "rm -f /tmp/fuse; mknod /tmp/fuse c 10 229 && "
              "((exec 3<>/tmp/fuse) 2>&1 | grep -q 'not permitted' && echo rdwr-denied); "
              "((exec 3</tmp/fuse) 2>&1 | grep -q 'not permitted' || echo read-allowed)"}));
  c["linux"]["resources"]["devices"] = {
      {{"allow", false}, {"access", "rwm"}},
      {{"allow", true}, {"type", "c"}, {"major", 10}, {"minor", 229}, {"access", "rwm"}},
      {{"allow", false}, {"type", "c"}, {"major", 10}, {"minor", 229}, {"access", "w"}}};
  auto r = run(c);
  EXPECT_EQ(r.out, "rdwr-denied\nread-allowed\n") << r.err;
}

TEST_F(Devices, UpdateReplacesTheAllowlist) {
  // More permissive after the update: the old filter must be gone (on v2 a
  // filter left attached would still refuse).
  write_config(
      with_mknod(config({"sh", "-c", "rm -f /tmp/kmsg; mknod /tmp/kmsg c 1 11; sleep 1000"})));
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  ASSERT_TRUE(eventually([&] { return exists(rootfs_ + "/tmp/kmsg"); }));
  auto write = [&] {
    return mcrun({"exec", "c1", "sh", "-c",
                  "(echo x > /tmp/kmsg) 2>&1 | grep -o 'not permitted' || echo written"})
        .out;
  };
  EXPECT_EQ(write(), "not permitted\n");
  auto r = mcrun(
      {"update", "--resources", "-", "c1"},
      R"({"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"w"}]})");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(write(), "written\n");
  EXPECT_EQ(mcrun({"delete", "--force", "c1"}).code, 0);
}

class CgroupV2 : public Container {
 protected:
  void SetUp() override {
    Container::SetUp();
    if (!cgroup_v2()) GTEST_SKIP() << "a cgroup v1 host: this runs in scripts/vm-test.sh";
  }
  std::string file(const std::string& name) { return read_file("/sys/fs/cgroup/mcrun/c1/" + name); }
};

TEST_F(CgroupV2, EveryResourceHasItsFile) {
  Json c = config({"sleep", "1000"});
  auto& r = c["linux"]["resources"];
  r["memory"] = {{"limit", 67108864}, {"reservation", 33554432}, {"swap", 100663296}};
  r["cpu"] = {{"shares", 2048}, {"quota", 20000}, {"period", 50000}, {"cpus", "0"}, {"mems", "0"}};
  r["pids"] = {{"limit", 99}};
  r["unified"] = {{"memory.high", "50331648"}};
  r["blockIO"] = {{"weight", 500}};  // v1's 10..1000 -> io.weight's 1..10000
  bool hugetlb = exists("/sys/fs/cgroup/hugetlb.2MB.max") ||
                 exists("/sys/kernel/mm/hugepages/hugepages-2048kB");
  if (hugetlb) r["hugepageLimits"] = {{{"pageSize", "2MB"}, {"limit", 4194304}}};
  write_config(c);
  auto run = mcrun({"run", "-d", "--bundle", bundle_, "c1"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(file("memory.max"), "67108864\n");
  EXPECT_EQ(file("memory.low"), "33554432\n");
  EXPECT_EQ(file("memory.swap.max"), "33554432\n");  // v1's memory+swap minus memory
  EXPECT_EQ(file("memory.high"), "50331648\n");
  EXPECT_EQ(file("cpu.weight"), "79\n");
  EXPECT_EQ(file("cpu.max"), "20000 50000\n");
  EXPECT_EQ(file("cpuset.cpus"), "0\n");
  EXPECT_EQ(file("cpuset.mems"), "0\n");
  EXPECT_EQ(file("pids.max"), "99\n");
  EXPECT_EQ(file("io.weight"), "default 4950\n");
  if (hugetlb) {
    EXPECT_EQ(file("hugetlb.2MB.max"), "4194304\n");
  }
  EXPECT_EQ(file("cgroup.procs"), std::to_string(pid_of("c1")) + "\n");
  EXPECT_EQ(mcrun({"delete", "--force", "c1"}).code, 0);
}

TEST_F(CgroupV2, WhatV2CannotExpressIsRefused) {
  Json c = config({"true"});
  c["linux"]["resources"]["memory"] = {{"swappiness", 10}, {"kernelTCP", 1048576}};
  c["linux"]["resources"]["cpu"] = {{"realtimeRuntime", 1000}};
  auto r = run(c);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "mcrun: run c1: config.json: /linux/resources/cpu: realtime runtime and period have no "
            "cgroup v2 "
            "counterpart, and this host uses cgroup v2\n"
            "mcrun: config.json: /linux/resources/memory/kernelTCP: has no cgroup v2 counterpart, "
            "and this "
            "host uses cgroup v2\n"
            "mcrun: config.json: /linux/resources/memory/swappiness: has no cgroup v2 counterpart, "
            "and this host "
            "uses cgroup v2\n");
}

TEST_F(CgroupV2, TheCgroupMountIsTheContainersOwnCgroup) {
  // Its own limits and processes, nothing of the host's, read-only: with
  // and without a cgroup namespace, and in a user namespace.
  for (int variant = 0; variant < 3; ++variant) {
    Json c = config({"sh", "-c",
                     "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; "
                     "grep -qx 1 /sys/fs/cgroup/cgroup.procs && echo init-inside; "
                     "test -d /sys/fs/cgroup/mcrun || echo no-host-cgroups; "
                     "touch /sys/fs/cgroup/x 2>/dev/null || echo ro"});
    c["linux"]["resources"]["memory"] = {{"limit", 67108864}};
    c["linux"]["resources"]["pids"] = {{"limit", 40}};
    Json& ns = c["linux"]["namespaces"];
    if (variant == 0)
      ns.erase(
          std::remove_if(ns.begin(), ns.end(), [](const Json& n) { return n["type"] == "cgroup"; }),
          ns.end());
    if (variant == 2) {
      ns.push_back({{"type", "user"}});
      c["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
      c["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
      ::chmod(tmp_.c_str(), 0711);  // the mapped root reaches the rootfs
    }
    auto r = run(c, "c" + std::to_string(variant));
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "67108864\n40\ninit-inside\nno-host-cgroups\nro\n")
        << "variant " << variant << ": " << r.err;
  }
}

TEST_F(CgroupV2, KillAllReachesFiveHundredProcessesThroughCgroupKill) {
  // No pid namespace: only the cgroup knows the container's processes.
  Json c =
      config({"sh", "-c", "i=0; while [ $i -lt 500 ]; do sleep 1000 & i=$((i+1)); done; wait"});
  Json& ns = c["linux"]["namespaces"];
  ns.erase(std::remove_if(ns.begin(), ns.end(), [](const Json& n) { return n["type"] == "pid"; }),
           ns.end());
  write_config(c);
  ASSERT_EQ(mcrun({"run", "-d", "--bundle", bundle_, "c1"}).code, 0);
  auto procs = [&] {
    std::string p = file("cgroup.procs");
    return std::count(p.begin(), p.end(), '\n');
  };
  ASSERT_TRUE(eventually([&] { return procs() >= 501; }, 60000));
  auto kill = mcrun({"kill", "--all", "c1", "KILL"});
  ASSERT_EQ(kill.code, 0) << kill.err;
  EXPECT_TRUE(eventually([&] { return procs() == 0; }, 10000));
  EXPECT_EQ(mcrun({"delete", "--force", "c1"}).code, 0);
}

TEST_F(CgroupV2, NestedCgroupsPathAsPodmanMakesThem) {
  // podman (cgroupfs manager) puts containers at /libpod_parent/libpod-<id>:
  // the controllers must be delegated down every new level.
  Json c = config({"sleep", "1000"});
  c["linux"]["cgroupsPath"] = "/mcrun-it-libpod_parent/libpod-c1";
  c["linux"]["resources"]["memory"] = {{"limit", 67108864}};
  c["linux"]["resources"]["pids"] = {{"limit", 30}};
  write_config(c);
  auto r = mcrun({"run", "-d", "--bundle", bundle_, "c1"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string dir = "/sys/fs/cgroup/mcrun-it-libpod_parent/libpod-c1";
  EXPECT_EQ(read_file(dir + "/memory.max"), "67108864\n");
  EXPECT_EQ(read_file(dir + "/pids.max"), "30\n");
  EXPECT_EQ(mcrun({"delete", "--force", "c1"}).code, 0);
  EXPECT_FALSE(exists(dir));
  ::rmdir("/sys/fs/cgroup/mcrun-it-libpod_parent");
}

}  // namespace
}  // namespace mcrun::it
