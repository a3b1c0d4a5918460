// linux.resources -> cgroup files, v1 and v2; v2 also written for real into a
// directory laid out like cgroupfs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>

#include "runtime/cgroup/cgroups.hpp"
#include "runtime/cgroup/dbus.hpp"
#include "runtime/cgroup/systemd.hpp"
#include "runtime/cgroup/systemd_devices.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace mcrun;
using namespace mcrun::runtime;

namespace {

spec::Resources sample() {
  spec::Resources r;
  r.memory = spec::Memory{};
  r.memory->limit = 268435456;
  r.memory->swap = 536870912;
  r.cpu = spec::Cpu{};
  r.cpu->shares = 1536;
  r.cpu->quota = 150000;
  r.cpu->period = 100000;
  r.pids = spec::Pids{.limit = 64};
  r.devices = {{false, std::nullopt, std::nullopt, std::nullopt, "rwm"},
               {true, "c", 10, 229, "rw"}};
  return r;
}

bool has(const std::vector<CgroupWrite>& w, const CgroupWrite& x) {
  return std::find(w.begin(), w.end(), x) != w.end();
}

TEST(CgroupPlan, V1) {
  auto w = plan_v1(sample());
  EXPECT_TRUE(has(w, {"memory", "memory.limit_in_bytes", "268435456"}));
  EXPECT_TRUE(has(w, {"memory", "memory.memsw.limit_in_bytes", "536870912"}));
  EXPECT_TRUE(has(w, {"cpu", "cpu.shares", "1536"}));
  EXPECT_TRUE(has(w, {"pids", "pids.max", "64"}));
  // Period before quota: a quota above the old period would be refused.
  auto period = std::find(w.begin(), w.end(), CgroupWrite{"cpu", "cpu.cfs_period_us", "100000"});
  auto quota = std::find(w.begin(), w.end(), CgroupWrite{"cpu", "cpu.cfs_quota_us", "150000"});
  EXPECT_LT(period, quota);
  // Deny all first, then the config's rules, then the standard nodes.
  auto deny = std::find(w.begin(), w.end(), CgroupWrite{"devices", "devices.deny", "a"});
  auto fuse = std::find(w.begin(), w.end(), CgroupWrite{"devices", "devices.allow", "c 10:229 rw"});
  auto null = std::find(w.begin(), w.end(), CgroupWrite{"devices", "devices.allow", "c 1:3 rwm"});
  ASSERT_NE(deny, w.end());
  EXPECT_LT(deny, fuse);
  EXPECT_LT(fuse, null);
  EXPECT_EQ(std::count(w.begin(), w.end(), CgroupWrite{"devices", "devices.deny", "a"}), 1);
  EXPECT_TRUE(has(w, {"devices", "devices.allow", "c 136:* rwm"}));
}

TEST(CgroupPlan, V2) {
  auto r = sample();
  r.unified = {{"memory.high", "200000000"}};
  auto w = plan_v2(r);
  EXPECT_TRUE(has(w, {"", "memory.max", "268435456"}));
  EXPECT_TRUE(has(w, {"", "memory.swap.max", "268435456"}));  // v1 memsw minus the limit
  EXPECT_TRUE(has(w, {"", "cpu.max", "150000 100000"}));
  EXPECT_TRUE(has(w, {"", "cpu.weight", std::to_string(shares_to_weight(1536))}));
  EXPECT_TRUE(has(w, {"", "pids.max", "64"}));
  EXPECT_TRUE(has(w, {"", "memory.high", "200000000"}));
  spec::Resources unlimited;
  unlimited.pids = spec::Pids{.limit = -1};
  EXPECT_TRUE(has(plan_v2(unlimited), {"", "pids.max", "max"}));
  spec::Resources none = unlimited;
  none.pids->limit = 0;  // a limit (1.3.0), not "max"
  EXPECT_TRUE(has(plan_v2(none), {"", "pids.max", "0"}));
  EXPECT_TRUE(has(plan_v1(none), {"pids", "pids.max", "0"}));
  spec::Resources untouched = unlimited;
  untouched.pids->limit.reset();  // "pids": {}: left as it is
  EXPECT_EQ(plan_v2(untouched).size(), plan_v2(spec::Resources{}).size());
  EXPECT_EQ(plan_v1(untouched).size(), plan_v1(spec::Resources{}).size());
}

TEST(CgroupPlan, HugepageLimits) {
  spec::Resources r;
  r.hugepage_limits = {{"2MB", 209715200}};
  EXPECT_TRUE(has(plan_v1(r), {"hugetlb", "hugetlb.2MB.limit_in_bytes", "209715200"}));
  EXPECT_TRUE(has(plan_v2(r), {"", "hugetlb.2MB.max", "209715200"}));
}

TEST(CgroupPlan, BlockIoAndNetwork) {
  spec::Resources r;
  r.block_io = spec::BlockIo{};
  r.block_io->weight = 500;
  r.block_io->weight_devices = {{8, 0, 300, std::nullopt}};
  r.block_io->throttle_read_bps = {{8, 0, 102400}, {8, 16, 204800}};
  r.block_io->throttle_write_iops = {{8, 0, 1000}};
  r.network = spec::Network{};
  r.network->class_id = 0x100001;
  r.network->priorities = {{"lo", 1}, {"eth0", 5}};
  auto v1 = plan_v1(r);
  EXPECT_TRUE(has(v1, {"blkio", "blkio.weight", "500"}));
  EXPECT_TRUE(has(v1, {"blkio", "blkio.weight_device", "8:0 300"}));
  EXPECT_TRUE(has(v1, {"blkio", "blkio.throttle.read_bps_device", "8:0 102400"}));
  EXPECT_TRUE(has(v1, {"blkio", "blkio.throttle.read_bps_device", "8:16 204800"}));
  EXPECT_TRUE(has(v1, {"blkio", "blkio.throttle.write_iops_device", "8:0 1000"}));
  EXPECT_TRUE(has(v1, {"net_cls", "net_cls.classid", "1048577"}));
  EXPECT_TRUE(has(v1, {"net_prio", "net_prio.ifpriomap", "lo 1"}));
  EXPECT_TRUE(has(v1, {"net_prio", "net_prio.ifpriomap", "eth0 5"}));
  auto v2 = plan_v2(r);
  EXPECT_TRUE(has(v2, {"", "io.weight", "4950"}));
  EXPECT_TRUE(has(v2, {"", "io.weight", "8:0 2930"}));
  EXPECT_TRUE(has(v2, {"", "io.max", "8:0 rbps=102400"}));
  EXPECT_TRUE(has(v2, {"", "io.max", "8:0 wiops=1000"}));
  EXPECT_EQ(
      std::count_if(v2.begin(), v2.end(), [](const auto& w) { return w.file.starts_with("net"); }),
      0);
}

TEST(CgroupPlan, SharesToWeight) {
  EXPECT_EQ(shares_to_weight(2), 1u);
  EXPECT_EQ(shares_to_weight(262144), 10000u);
  EXPECT_EQ(shares_to_weight(1024), 39u);
}

TEST(CgroupPlan, Paths) {
  spec::Config c = spec::default_config();
  EXPECT_EQ(cgroup_path(c, "c1"), "/mcrun/c1");
  c.linux->cgroups_path = "/libpod_parent/libpod-abc";
  EXPECT_EQ(cgroup_path(c, "c1"), "/libpod_parent/libpod-abc");
  c.linux->cgroups_path = "default/c1";
  EXPECT_EQ(cgroup_path(c, "c1"), "/default/c1");
  c.linux->cgroups_path = "system.slice:docker:abc";
  EXPECT_FALSE(cgroup_path(c, "c1"));
  EXPECT_TRUE(wants_cgroup(c));
  c.linux->namespaces.clear();
  EXPECT_TRUE(wants_cgroup(c));  // a cgroupsPath alone asks for one
  c.linux->cgroups_path.reset();
  c.linux->resources.reset();
  EXPECT_FALSE(wants_cgroup(c));  // POSIX mode
  c.linux->resources = spec::Resources{};
  EXPECT_TRUE(wants_cgroup(c));  // limits without namespaces (Mesos's cgroups/* alone)
}

}  // namespace

namespace {

// runc's cgroupsPath for the systemd driver, as kubelet and containerd write it.
TEST(SystemdScope, SlicePrefixName) {
  auto s = systemd_scope("kubepods-besteffort-pod12.slice:cri-containerd:abc", "c1");
  ASSERT_TRUE(s) << s.error().what();
  EXPECT_EQ(s->unit, "cri-containerd-abc.scope");
  EXPECT_EQ(s->slice, "kubepods-besteffort-pod12.slice");
  EXPECT_EQ(s->cgroup_path,
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod12.slice/"
            "cri-containerd-abc.scope");
  auto d = systemd_scope(std::nullopt, "c1");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->cgroup_path, "/system.slice/mcrun-c1.scope");
  auto e = systemd_scope(":p:n", "c1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->cgroup_path, "/system.slice/p-n.scope");
  auto back = scope_of(s->unit, s->cgroup_path);
  EXPECT_EQ(back.slice, s->slice);
  EXPECT_EQ(back.unit, s->unit);
  EXPECT_EQ(back.cgroup_path, s->cgroup_path);
  for (const char* bad :
       {"/mcrun/c1", "a:b", "x.slice:p:../n", "notaslice:p:n", "a--b.slice:p:n", "x.slice:p:n/m"})
    EXPECT_FALSE(systemd_scope(std::string(bad), "c1")) << bad;
}

TEST(SystemdScope, UnitPropertiesPerCgroupVersion) {
  auto props = [](bool v2) {
    std::map<std::string, uint64_t> m;
    for (const auto& p : unit_properties(sample(), v2)) m[p.name] = p.number;
    return m;
  };
  auto v2 = props(true);
  EXPECT_EQ(v2["MemoryMax"], 268435456u);
  EXPECT_EQ(v2["CPUWeight"], shares_to_weight(1536));
  EXPECT_EQ(v2["CPUQuotaPerSecUSec"], 1500000u);
  EXPECT_EQ(v2["CPUQuotaPeriodUSec"], 100000u);
  EXPECT_EQ(v2["TasksMax"], 64u);
  auto v1 = props(false);
  EXPECT_EQ(v1["MemoryLimit"], 268435456u);
  EXPECT_EQ(v1["CPUShares"], 1536u);
  EXPECT_FALSE(v1.contains("MemoryMax"));
  spec::Resources odd;
  odd.cpu = spec::Cpu{};
  odd.cpu->quota = 12345;  // 123450 us a second: systemd keeps whole percents
  odd.cpu->period = 100000;
  odd.pids = spec::Pids{.limit = -1};
  std::map<std::string, uint64_t> m;
  for (const auto& p : unit_properties(odd, true)) m[p.name] = p.number;
  EXPECT_EQ(m["CPUQuotaPerSecUSec"], 130000u);
  EXPECT_EQ(m["TasksMax"], UINT64_MAX);
}

// v2: every file mcrun writes that systemd has a property for, unified's
// too (a daemon-reload writes systemd's value of each back).
TEST(SystemdScope, V2PropertiesFollowTheFilesWritten) {
  spec::Resources r;
  r.memory = spec::Memory{};
  r.memory->limit = 64 << 20;
  r.memory->swap = 96 << 20;
  r.unified = {{"memory.high", "50331648"},
               {"cpu.max", "max 100000"},
               {"pids.max", "max"},
               {"memory.min", "x"}};
  std::map<std::string, uint64_t> m;
  for (const auto& p : unit_properties(r, true)) m[p.name] = p.number;
  EXPECT_EQ(m, (std::map<std::string, uint64_t>{{"MemoryMax", 64 << 20},
                                                {"MemorySwapMax", 32 << 20},
                                                {"MemoryHigh", 50331648},
                                                {"TasksMax", UINT64_MAX}}));
}

using Allow = std::vector<std::pair<std::string, std::string>>;
spec::DeviceRule rule(bool allow, std::string type, std::optional<int64_t> major,
                      std::optional<int64_t> minor, std::string access) {
  return {allow, std::move(type), major, minor, std::move(access)};
}
const spec::DeviceRule kDenyAll{false, std::nullopt, std::nullopt, std::nullopt, "rwm"};

TEST(SystemdDevices, TheDefaultsAsAnAllowlist) {
  auto rules = with_default_devices({kDenyAll});
  for (bool v2 : {false, true}) {
    auto d = systemd_devices(rules, v2);
    EXPECT_EQ(d.policy, "strict");
    EXPECT_EQ(d.inexact, "");
    EXPECT_EQ(d.allow, (Allow{{"char-*", "m"},
                              {"block-*", "m"},
                              {"/dev/char/1:3", "rwm"},
                              {"/dev/char/1:5", "rwm"},
                              {"/dev/char/1:7", "rwm"},
                              {"/dev/char/5:0", "rwm"},
                              {"/dev/char/1:8", "rwm"},
                              {"/dev/char/1:9", "rwm"},
                              {"/dev/char/5:2", "rwm"},
                              {"char-136", "rwm"},
                              {"/dev/char/10:200", "rwm"}}));
  }
}

TEST(SystemdDevices, DeniesTakeAccessOutOfWhatTheyCover) {
  auto d = systemd_devices({rule(true, "c", 1, std::nullopt, "rw"), rule(true, "b", 8, 0, "rwm"),
                            rule(false, "c", 1, std::nullopt, "w"), rule(false, "b", 8, 0, "rwm"),
                            rule(true, "a", std::nullopt, std::nullopt, "r")},
                           false);
  EXPECT_EQ(d.policy, "strict");
  EXPECT_EQ(d.allow, (Allow{{"char-1", "r"}, {"char-*", "r"}, {"block-*", "r"}}));
  // Everything allowed, nothing excepted: systemd's "auto".
  d = systemd_devices({rule(true, "a", std::nullopt, std::nullopt, "rwm")}, false);
  EXPECT_EQ(d.policy, "auto");
  EXPECT_TRUE(d.allow.empty());
  // A later deny-all starts over.
  d = systemd_devices(
      {rule(true, "a", std::nullopt, std::nullopt, "rwm"), kDenyAll, rule(true, "c", 1, 3, "rw")},
      true);
  EXPECT_EQ(d.allow, (Allow{{"/dev/char/1:3", "rw"}}));
}

TEST(SystemdDevices, WhatSystemdCannotSayIsStricterOnV1AndLeftOutOnV2) {
  // A denylist, and a deny cutting a hole in a wider allow.
  for (const auto& rules : std::vector<std::vector<spec::DeviceRule>>{
           {rule(true, "a", std::nullopt, std::nullopt, "rwm"), rule(false, "c", 1, 11, "w")},
           {rule(true, "c", 1, std::nullopt, "rw"), rule(false, "c", 1, 11, "w")}}) {
    auto v1 = systemd_devices(rules, false);
    EXPECT_EQ(v1.policy, "strict");
    EXPECT_TRUE(v1.allow.empty());
    EXPECT_NE(v1.inexact, "");
    auto v2 = systemd_devices(rules, true);
    EXPECT_EQ(v2.policy, "auto");
    EXPECT_TRUE(v2.allow.empty());
    EXPECT_EQ(v2.inexact, "");
  }
  // "*:n" has no DeviceAllow form: left out of v1's list, with a warning.
  auto d =
      systemd_devices({rule(true, "c", std::nullopt, 5, "r"), rule(true, "c", 1, 3, "r")}, false);
  EXPECT_EQ(d.allow, (Allow{{"/dev/char/1:3", "r"}}));
  EXPECT_NE(d.inexact.find("c *:5"), std::string::npos) << d.inexact;
}

// The header of a call: 'l', METHOD_CALL, version 1, the body's length and
// the serial, then the fields; the body starts 8-aligned.
TEST(Dbus, CallEncoding) {
  dbus::Writer w;
  w.string("x.scope");
  std::string m = dbus::encode_call({"org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                     "org.freedesktop.systemd1.Manager", "StopUnit", "s", w.data()},
                                    7);
  ASSERT_GE(m.size(), 16u);
  EXPECT_EQ(m.substr(0, 4), std::string("l\x01\x00\x01", 4));
  uint32_t body_len, serial, fields_len;
  std::memcpy(&body_len, m.data() + 4, 4);
  std::memcpy(&serial, m.data() + 8, 4);
  std::memcpy(&fields_len, m.data() + 12, 4);
  EXPECT_EQ(body_len, w.data().size());
  EXPECT_EQ(serial, 7u);
  size_t body_at = (16 + fields_len + 7) / 8 * 8;
  EXPECT_EQ(m.size(), body_at + body_len);
  EXPECT_EQ(m.substr(body_at), w.data());
  EXPECT_NE(m.find("StopUnit"), std::string::npos);
  // An array's length counts its elements, not the padding before them.
  dbus::Writer a;
  a.byte(1);
  auto t = a.begin_array(8);
  a.begin_struct();
  a.u64(5);
  a.end_array(t);
  EXPECT_EQ(a.data().size(), 16u);
  uint32_t len;
  std::memcpy(&len, a.data().data() + 4, 4);
  EXPECT_EQ(len, 8u);
}

}  // namespace
