#include "runtime/cgroup/cgroup_plan.hpp"

#include <algorithm>

namespace mcrun::runtime {
namespace {

std::string device_rule(const spec::DeviceRule& d) {
  auto num = [](const std::optional<int64_t>& v) {
    return v && *v >= 0 ? std::to_string(*v) : std::string("*");
  };
  std::string type = d.type.value_or("a");
  if (type == "a") return "a";
  return type + " " + num(d.major) + ":" + num(d.minor) + " " + d.access.value_or("rwm");
}

std::string limit_or_max(int64_t v) { return v < 0 ? "max" : std::to_string(v); }

std::string device_number(int64_t major, int64_t minor) {
  return std::to_string(major) + ":" + std::to_string(minor);
}

}  // namespace

const std::vector<spec::DeviceRule>& default_device_rules() {
  using R = spec::DeviceRule;
  static const std::vector<R> rules = {
      R{true, "c", std::nullopt, std::nullopt, "m"},
      R{true, "b", std::nullopt, std::nullopt, "m"},
      R{true, "c", 1, 3, "rwm"},
      R{true, "c", 1, 5, "rwm"},
      R{true, "c", 1, 7, "rwm"},  // null zero full
      R{true, "c", 5, 0, "rwm"},
      R{true, "c", 1, 8, "rwm"},
      R{true, "c", 1, 9, "rwm"},  // tty random urandom
      R{true, "c", 5, 2, "rwm"},
      R{true, "c", 136, std::nullopt, "rwm"},  // ptmx, pts/*
      R{true, "c", 10, 200, "rwm"},            // tun
  };
  return rules;
}

std::vector<spec::DeviceRule> with_default_devices(const std::vector<spec::DeviceRule>& rules) {
  std::vector<spec::DeviceRule> all = rules;
  all.insert(all.end(), default_device_rules().begin(), default_device_rules().end());
  return all;
}

namespace {

void v1_memory(const spec::Memory& m, std::vector<CgroupWrite>& w) {
  if (m.limit) w.push_back({"memory", "memory.limit_in_bytes", std::to_string(*m.limit)});
  if (m.reservation)
    w.push_back({"memory", "memory.soft_limit_in_bytes", std::to_string(*m.reservation)});
  if (m.swap) w.push_back({"memory", "memory.memsw.limit_in_bytes", std::to_string(*m.swap)});
  if (m.swappiness) w.push_back({"memory", "memory.swappiness", std::to_string(*m.swappiness)});
  if (m.use_hierarchy)
    w.push_back({"memory", "memory.use_hierarchy", *m.use_hierarchy ? "1" : "0"});
  if (m.disable_oom_killer)
    w.push_back({"memory", "memory.oom_control", *m.disable_oom_killer ? "1" : "0"});
  // memory.kernel is not written: kernels since 5.16 accept and ignore it
  // (runc ignores it too). kernelTCP still works.
  if (m.kernel_tcp)
    w.push_back({"memory", "memory.kmem.tcp.limit_in_bytes", std::to_string(*m.kernel_tcp)});
}

void v1_cpu(const spec::Cpu& c, std::vector<CgroupWrite>& w) {
  if (c.shares) w.push_back({"cpu", "cpu.shares", std::to_string(*c.shares)});
  if (c.period) w.push_back({"cpu", "cpu.cfs_period_us", std::to_string(*c.period)});
  if (c.quota) w.push_back({"cpu", "cpu.cfs_quota_us", std::to_string(*c.quota)});
  if (c.burst) w.push_back({"cpu", "cpu.cfs_burst_us", std::to_string(*c.burst)});
  if (c.idle) w.push_back({"cpu", "cpu.idle", std::to_string(*c.idle)});
  if (c.realtime_period)
    w.push_back({"cpu", "cpu.rt_period_us", std::to_string(*c.realtime_period)});
  if (c.realtime_runtime)
    w.push_back({"cpu", "cpu.rt_runtime_us", std::to_string(*c.realtime_runtime)});
  if (c.cpus) w.push_back({"cpuset", "cpuset.cpus", *c.cpus});
  if (c.mems) w.push_back({"cpuset", "cpuset.mems", *c.mems});
}

void v1_block_io(const spec::BlockIo& b, std::vector<CgroupWrite>& w) {
  if (b.weight) w.push_back({"blkio", "blkio.weight", std::to_string(*b.weight)});
  if (b.leaf_weight) w.push_back({"blkio", "blkio.leaf_weight", std::to_string(*b.leaf_weight)});
  for (const auto& d : b.weight_devices) {
    if (d.weight)
      w.push_back({"blkio", "blkio.weight_device",
                   device_number(d.major, d.minor) + " " + std::to_string(*d.weight)});
    if (d.leaf_weight)
      w.push_back({"blkio", "blkio.leaf_weight_device",
                   device_number(d.major, d.minor) + " " + std::to_string(*d.leaf_weight)});
  }
  // One write per device: the kernel takes a single "major:minor rate" line.
  auto rates = [&](const char* file, const std::vector<spec::BlockIoRate>& v) {
    for (const auto& d : v)
      w.push_back({"blkio", file, device_number(d.major, d.minor) + " " + std::to_string(d.rate)});
  };
  rates("blkio.throttle.read_bps_device", b.throttle_read_bps);
  rates("blkio.throttle.write_bps_device", b.throttle_write_bps);
  rates("blkio.throttle.read_iops_device", b.throttle_read_iops);
  rates("blkio.throttle.write_iops_device", b.throttle_write_iops);
}

// Devices: deny everything, then the config's rules in order, then the
// standard nodes a container always needs.
void v1_devices(const std::vector<spec::DeviceRule>& rules, std::vector<CgroupWrite>& w) {
  w.push_back({"devices", "devices.deny", "a"});
  auto add_rule = [&](const spec::DeviceRule& d) {
    w.push_back({"devices", d.allow ? "devices.allow" : "devices.deny", device_rule(d)});
  };
  for (const auto& d : rules)
    if (!(!d.allow && device_rule(d) == "a"))
      add_rule(d);  // the leading deny-all is already written
  for (const auto& d : default_device_rules()) add_rule(d);
}

}  // namespace

std::vector<CgroupWrite> plan_v1(const spec::Resources& r) {
  std::vector<CgroupWrite> w;
  if (r.memory) v1_memory(*r.memory, w);
  if (r.cpu) v1_cpu(*r.cpu, w);
  if (r.pids && r.pids->limit) w.push_back({"pids", "pids.max", limit_or_max(*r.pids->limit)});
  if (r.block_io) v1_block_io(*r.block_io, w);
  for (const auto& h : r.hugepage_limits)
    w.push_back({"hugetlb", "hugetlb." + h.page_size + ".limit_in_bytes", std::to_string(h.limit)});
  if (const auto& n = r.network) {
    if (n->class_id) w.push_back({"net_cls", "net_cls.classid", std::to_string(*n->class_id)});
    for (const auto& p : n->priorities)
      w.push_back({"net_prio", "net_prio.ifpriomap", p.name + " " + std::to_string(p.priority)});
  }
  v1_devices(r.devices, w);
  return w;
}

uint64_t shares_to_weight(uint64_t shares) {
  if (shares == 0) return 100;
  return 1 + ((shares - 2) * 9999) / 262142;
}

std::vector<CgroupWrite> plan_v2(const spec::Resources& r) {
  std::vector<CgroupWrite> w;
  if (const auto& m = r.memory) {
    if (m->limit) w.push_back({"", "memory.max", limit_or_max(*m->limit)});
    if (m->reservation) w.push_back({"", "memory.low", std::to_string(*m->reservation)});
    // v1's swap is memory+swap; v2's memory.swap.max is swap alone.
    if (m->swap && m->limit && *m->swap > 0 && *m->limit > 0)
      w.push_back({"", "memory.swap.max", std::to_string(*m->swap - *m->limit)});
    else if (m->swap && *m->swap < 0)
      w.push_back({"", "memory.swap.max", "max"});
  }
  if (const auto& c = r.cpu) {
    if (c->shares) w.push_back({"", "cpu.weight", std::to_string(shares_to_weight(*c->shares))});
    if (c->quota || c->period)
      w.push_back({"", "cpu.max",
                   (c->quota && *c->quota > 0 ? std::to_string(*c->quota) : "max") + " " +
                       std::to_string(c->period.value_or(100000))});
    if (c->burst) w.push_back({"", "cpu.max.burst", std::to_string(*c->burst)});
    if (c->idle) w.push_back({"", "cpu.idle", std::to_string(*c->idle)});
    if (c->cpus) w.push_back({"", "cpuset.cpus", *c->cpus});
    if (c->mems) w.push_back({"", "cpuset.mems", *c->mems});
  }
  if (r.pids && r.pids->limit) w.push_back({"", "pids.max", limit_or_max(*r.pids->limit)});
  if (const auto& b = r.block_io) {
    // v1's weights run 10..1000, v2's io.weight 1..10000.
    auto v2_weight = [](uint16_t v1) {
      return std::to_string(1 + (std::max<uint16_t>(v1, 10) - 10) * 9999 / 990);
    };
    if (b->weight) w.push_back({"", "io.weight", v2_weight(*b->weight)});
    for (const auto& d : b->weight_devices)
      if (d.weight)
        w.push_back(
            {"", "io.weight", device_number(d.major, d.minor) + " " + v2_weight(*d.weight)});
    auto rates = [&](const char* key, const std::vector<spec::BlockIoRate>& v) {
      for (const auto& d : v)
        w.push_back({"", "io.max",
                     device_number(d.major, d.minor) + " " + key + "=" + std::to_string(d.rate)});
    };
    rates("rbps", b->throttle_read_bps);
    rates("wbps", b->throttle_write_bps);
    rates("riops", b->throttle_read_iops);
    rates("wiops", b->throttle_write_iops);
  }
  for (const auto& h : r.hugepage_limits)
    w.push_back({"", "hugetlb." + h.page_size + ".max", std::to_string(h.limit)});
  // linux.resources.network has no v2 controller (net_cls/net_prio are v1
  // only; v2 leaves it to eBPF): not applied there, as runc does.
  for (const auto& [file, value] : r.unified) w.push_back({"", file, value});
  return w;
}

Result<std::string> cgroup_path(const spec::Config& c, const std::string& id) {
  std::string p = c.linux && c.linux->cgroups_path ? *c.linux->cgroups_path : "";
  if (p.empty()) return "/mcrun/" + id;
  // validate_for_create reported these already (spec/create_rules.cpp).
  if (p.find(':') != std::string::npos || p.find("..") != std::string::npos)
    return fail("cgroupsPath " + quote(p) + " is not a cgroupfs path");
  return p[0] == '/' ? p : "/" + p;
}

bool wants_cgroup(const spec::Config& c) {
  return c.linux && (!c.linux->namespaces.empty() || c.linux->resources || c.linux->cgroups_path);
}

}  // namespace mcrun::runtime
