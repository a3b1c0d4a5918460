#include "runtime/cgroup_plan.hpp"

namespace mcrun::runtime {
namespace {

std::string device_rule(const spec::DeviceRule& d) {
  auto num = [](const std::optional<int64_t>& v) { return v && *v >= 0 ? std::to_string(*v) : std::string("*"); };
  std::string type = d.type.value_or("a");
  if (type == "a") return "a";
  return type + " " + num(d.major) + ":" + num(d.minor) + " " + d.access.value_or("rwm");
}

std::string limit_or_max(int64_t v) { return v < 0 ? "max" : std::to_string(v); }

// linux.resources.hugepageLimits (kept as given in Resources::extra):
// [{"pageSize": "2MB", "limit": N}] -> ("2MB", N). Malformed entries are skipped.
std::vector<std::pair<std::string, uint64_t>> hugepage_limits(const spec::Resources& r) {
  std::vector<std::pair<std::string, uint64_t>> out;
  auto it = r.extra.find("hugepageLimits");
  if (it == r.extra.end() || !it->is_array()) return out;
  for (const auto& e : *it)
    if (e.is_object() && e.contains("pageSize") && e["pageSize"].is_string() && e.contains("limit") &&
        e["limit"].is_number_unsigned())
      out.emplace_back(e["pageSize"].get<std::string>(), e["limit"].get<uint64_t>());
  return out;
}

}  // namespace

const std::vector<spec::DeviceRule>& default_device_rules() {
  using R = spec::DeviceRule;
  static const std::vector<R> rules = {
      R{true, "c", std::nullopt, std::nullopt, "m"}, R{true, "b", std::nullopt, std::nullopt, "m"},
      R{true, "c", 1, 3, "rwm"},   R{true, "c", 1, 5, "rwm"},   R{true, "c", 1, 7, "rwm"},  // null zero full
      R{true, "c", 5, 0, "rwm"},   R{true, "c", 1, 8, "rwm"},   R{true, "c", 1, 9, "rwm"},  // tty random urandom
      R{true, "c", 5, 2, "rwm"},   R{true, "c", 136, std::nullopt, "rwm"},                 // ptmx, pts/*
      R{true, "c", 10, 200, "rwm"},                                                       // tun
  };
  return rules;
}

std::vector<CgroupWrite> plan_v1(const spec::Resources& r) {
  std::vector<CgroupWrite> w;
  if (const auto& m = r.memory) {
    if (m->limit) w.push_back({"memory", "memory.limit_in_bytes", std::to_string(*m->limit)});
    if (m->reservation) w.push_back({"memory", "memory.soft_limit_in_bytes", std::to_string(*m->reservation)});
    if (m->swap) w.push_back({"memory", "memory.memsw.limit_in_bytes", std::to_string(*m->swap)});
    if (m->swappiness) w.push_back({"memory", "memory.swappiness", std::to_string(*m->swappiness)});
    if (m->disable_oom_killer) w.push_back({"memory", "memory.oom_control", *m->disable_oom_killer ? "1" : "0"});
  }
  if (const auto& c = r.cpu) {
    if (c->shares) w.push_back({"cpu", "cpu.shares", std::to_string(*c->shares)});
    if (c->period) w.push_back({"cpu", "cpu.cfs_period_us", std::to_string(*c->period)});
    if (c->quota) w.push_back({"cpu", "cpu.cfs_quota_us", std::to_string(*c->quota)});
    if (c->realtime_period) w.push_back({"cpu", "cpu.rt_period_us", std::to_string(*c->realtime_period)});
    if (c->realtime_runtime) w.push_back({"cpu", "cpu.rt_runtime_us", std::to_string(*c->realtime_runtime)});
    if (c->cpus) w.push_back({"cpuset", "cpuset.cpus", *c->cpus});
    if (c->mems) w.push_back({"cpuset", "cpuset.mems", *c->mems});
  }
  if (r.pids_limit) w.push_back({"pids", "pids.max", limit_or_max(*r.pids_limit)});
  if (r.block_io_weight) w.push_back({"blkio", "blkio.weight", std::to_string(*r.block_io_weight)});
  for (const auto& [size, limit] : hugepage_limits(r))
    w.push_back({"hugetlb", "hugetlb." + size + ".limit_in_bytes", std::to_string(limit)});
  // Devices: deny everything, then the config's rules in order, then the
  // standard nodes a container always needs.
  w.push_back({"devices", "devices.deny", "a"});
  auto add_rule = [&](const spec::DeviceRule& d) {
    w.push_back({"devices", d.allow ? "devices.allow" : "devices.deny", device_rule(d)});
  };
  for (const auto& d : r.devices)
    if (!(!d.allow && device_rule(d) == "a")) add_rule(d);  // the leading deny-all is already written
  for (const auto& d : default_device_rules()) add_rule(d);
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
      w.push_back({"", "cpu.max", (c->quota && *c->quota > 0 ? std::to_string(*c->quota) : "max") + " " +
                                      std::to_string(c->period.value_or(100000))});
    if (c->cpus) w.push_back({"", "cpuset.cpus", *c->cpus});
    if (c->mems) w.push_back({"", "cpuset.mems", *c->mems});
  }
  if (r.pids_limit) w.push_back({"", "pids.max", limit_or_max(*r.pids_limit)});
  if (r.block_io_weight) w.push_back({"", "io.weight", std::to_string(1 + (*r.block_io_weight - 10) * 9999 / 990)});
  for (const auto& [size, limit] : hugepage_limits(r))
    w.push_back({"", "hugetlb." + size + ".max", std::to_string(limit)});
  for (const auto& [file, value] : r.unified) w.push_back({"", file, value});
  return w;
}

Result<std::string> cgroup_path(const spec::Config& c, const std::string& id) {
  std::string p = c.linux && c.linux->cgroups_path ? *c.linux->cgroups_path : "";
  if (p.empty()) return "/mcrun/" + id;
  if (p.find(':') != std::string::npos)
    return fail("config.json: /linux/cgroupsPath: " + quote(p) +
                " is a systemd slice path; mcrun manages cgroupfs paths (\"/parent/name\")");
  if (p.find("..") != std::string::npos) return fail("config.json: /linux/cgroupsPath: must not contain \"..\"");
  return p[0] == '/' ? p : "/" + p;
}

bool wants_cgroup(const spec::Config& c) { return c.linux && !c.linux->namespaces.empty(); }

}  // namespace mcrun::runtime
