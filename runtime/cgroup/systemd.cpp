#include "runtime/cgroup/systemd.hpp"

#include <unistd.h>

#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <thread>

#include "runtime/cgroup/cgroup_plan.hpp"
#include "runtime/cgroup/dbus.hpp"
#include "runtime/cgroup/systemd_devices.hpp"
#include "runtime/sys/proc.hpp"
#include "runtime/sys/syscalls.hpp"
#include "runtime/warn.hpp"

namespace mcrun::runtime {
namespace {

constexpr uint64_t kInfinity = std::numeric_limits<uint64_t>::max();

void add_property(dbus::Writer& w, const UnitProperty& p) {
  w.begin_struct();
  w.string(p.name);
  w.begin_variant(p.signature);
  if (p.signature == "b") {
    w.boolean(p.number != 0);
  } else {
    w.u64(p.number);
  }
}

void add_string_property(dbus::Writer& w, const char* name, const std::string& value) {
  w.begin_struct();
  w.string(name);
  w.begin_variant("s");
  w.string(value);
}

// DeviceAllow= (empty: forget the unit's list), the list, then the policy:
// given after the list, the policy leaves no "NeedDaemonReload" behind
// (systemd issue 35710).
void add_device_properties(dbus::Writer& w, const SystemdDevices& d) {
  for (bool with_entries : {false, true}) {
    w.begin_struct();
    w.string("DeviceAllow");
    w.begin_variant("a(ss)");
    auto list = w.begin_array(8);
    if (with_entries)
      for (const auto& [path, access] : d.allow) {
        w.begin_struct();
        w.string(path);
        w.string(access);
      }
    w.end_array(list);
  }
  add_string_property(w, "DevicePolicy", d.policy);
}

// The device properties of a scope of the system's systemd (a user's has no
// say over devices, and a rootless container applies no device rules).
void add_devices(dbus::Writer& w, const std::vector<spec::DeviceRule>& config_rules, bool v2) {
  SystemdDevices d = systemd_devices(with_default_devices(config_rules), v2);
  if (!d.inexact.empty()) warn("systemd cgroup driver: " + d.inexact);
  add_device_properties(w, d);
}

Result<dbus::Reply> manager_call(const std::string& manager, const char* interface,
                                 const char* member, const std::string& signature,
                                 const std::string& body) {
  auto conn =
      manager.empty() ? dbus::Connection::open_system() : dbus::Connection::open_private(manager);
  if (!conn) return std::unexpected(conn.error());
  return conn->call({"org.freedesktop.systemd1", "/org/freedesktop/systemd1", interface, member,
                     signature, body});
}

Result<dbus::Reply> manager_call(const std::string& manager, const char* member,
                                 const std::string& signature, const std::string& body) {
  return manager_call(manager, "org.freedesktop.systemd1.Manager", member, signature, body);
}

bool in_cgroup(pid_t pid, const std::string& path) {
  auto text = sys::read_file("/proc/" + std::to_string(pid) + "/cgroup");
  if (!text) return false;
  for (auto line : sys::split(*text, '\n')) {
    auto colon = line.rfind(':');
    if (colon != std::string_view::npos && line.substr(colon + 1) == path) return true;
  }
  return false;
}

// systemd keeps a whole percent of a CPU: the quota a second rounded up to
// 10 ms, so the exact cpu.max written afterwards stays within it.
void add_cpu_quota(std::vector<UnitProperty>& p, uint64_t quota, uint64_t period) {
  if (period == 0) period = 100000;
  uint64_t per_sec = quota * 1000000 / period;
  per_sec = (per_sec + 9999) / 10000 * 10000;
  p.push_back({"CPUQuotaPerSecUSec", "t", per_sec});
  p.push_back({"CPUQuotaPeriodUSec", "t", period});
}

std::optional<uint64_t> file_number(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  if (v == "max") return kInfinity;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty()) return std::nullopt;
  return n;
}

// systemd refuses a TasksMax of 0 ("out of range"); 1 is the same limit
// for as long as the container lives: its init is in the cgroup, so both
// stop every fork (they differ for an empty cgroup only). pids.max itself
// gets the 0.
uint64_t tasks_max(uint64_t limit) { return limit == 0 ? 1 : limit; }

// v2: a property for every file mcrun writes (plan_v2, unified's included)
// that systemd has one for. A reload writes systemd's value of each of these
// files, its default ("max", 100) where it was told none: memory.swap.max
// and memory.high went back to "max" before.
std::vector<UnitProperty> v2_properties(const spec::Resources& r) {
  static const std::map<std::string, const char*, std::less<>> kByFile = {
      {"memory.max", "MemoryMax"},          {"memory.low", "MemoryLow"},
      {"memory.high", "MemoryHigh"},        {"memory.min", "MemoryMin"},
      {"memory.swap.max", "MemorySwapMax"}, {"pids.max", "TasksMax"},
      {"cpu.weight", "CPUWeight"},          {"io.weight", "IOWeight"}};
  std::vector<UnitProperty> p;
  for (const auto& w : plan_v2(r)) {
    if (w.file == "cpu.max") {  // "QUOTA PERIOD", "max PERIOD"
      size_t space = w.value.find(' ');
      auto quota = file_number(w.value.substr(0, space));
      auto period = space == std::string::npos ? 100000 : file_number(w.value.substr(space + 1));
      if (quota && period && *quota != kInfinity) add_cpu_quota(p, *quota, *period);
      continue;
    }
    auto name = kByFile.find(w.file);
    // io.weight's "MAJ:MIN WEIGHT" lines have no property (IODeviceWeight
    // takes a device path).
    if (auto n = file_number(w.value); name != kByFile.end() && n)
      p.push_back({name->second, "t", w.file == "pids.max" ? tasks_max(*n) : *n});
  }
  return p;
}

}  // namespace

Result<SystemdScope> systemd_scope(const std::optional<std::string>& cgroups_path,
                                   const std::string& id) {
  auto s = spec::parse_systemd_cgroups_path(cgroups_path, id);
  if (!s) return std::unexpected(std::move(s.error()).context("cgroupsPath"));
  return s;
}

Result<std::string> user_manager() {
  const char* dir = std::getenv("XDG_RUNTIME_DIR");
  if (!dir || !*dir)
    return fail(
        "systemd cgroup driver, rootless: the user's own systemd is reached at "
        "$XDG_RUNTIME_DIR/systemd/private, and XDG_RUNTIME_DIR is not set");
  return std::string(dir) + "/systemd/private";
}

Result<std::string> manager_cgroup(const std::string& manager) {
  if (manager.empty()) return std::string();
  dbus::Writer w;
  w.string("org.freedesktop.systemd1.Manager");
  w.string("ControlGroup");
  auto reply = manager_call(manager, "org.freedesktop.DBus.Properties", "Get", "ss", w.data());
  if (!reply) return std::unexpected(std::move(reply.error()).context("systemd: " + manager));
  if (reply->error || reply->message.empty() || reply->message[0] != '/')
    return fail("systemd: " + manager + ": its ControlGroup: " +
                (reply->error ? reply->error_name + ": " + reply->message : quote(reply->message)));
  // The root's own cgroup is "/"; under it the scope's path is whole already.
  return reply->message == "/" ? std::string() : reply->message;
}

std::vector<UnitProperty> unit_properties(const spec::Resources& r, bool v2) {
  if (v2) return v2_properties(r);
  std::vector<UnitProperty> p;
  auto limit = [](int64_t v) { return v < 0 ? kInfinity : static_cast<uint64_t>(v); };
  if (r.memory && r.memory->limit) p.push_back({"MemoryLimit", "t", limit(*r.memory->limit)});
  if (r.cpu && r.cpu->shares && *r.cpu->shares) p.push_back({"CPUShares", "t", *r.cpu->shares});
  if (r.cpu && r.cpu->quota && *r.cpu->quota > 0)
    add_cpu_quota(p, static_cast<uint64_t>(*r.cpu->quota), r.cpu->period.value_or(100000));
  if (r.pids && r.pids->limit) p.push_back({"TasksMax", "t", tasks_max(limit(*r.pids->limit))});
  return p;
}

SystemdScope scope_of(const std::string& unit, const std::string& cgroup_path) {
  SystemdScope s{.slice = "-.slice", .unit = unit, .cgroup_path = cgroup_path};
  auto slash = cgroup_path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    auto parent = cgroup_path.substr(0, slash);
    s.slice = parent.substr(parent.rfind('/') + 1);
  }
  return s;
}

Result<> start_scope(const SystemdScope& s, pid_t pid, const spec::Resources& r, bool v2,
                     const std::string& manager) {
  dbus::Writer w;
  w.string(s.unit);
  w.string("fail");
  auto props = w.begin_array(8);
  add_string_property(w, "Description", "mcrun container " + s.unit);
  add_string_property(w, "Slice", s.slice);
  for (const auto& p :
       {UnitProperty{"Delegate", "b", 1}, UnitProperty{"DefaultDependencies", "b", 0}})
    add_property(w, p);
  w.begin_struct();
  w.string("PIDs");
  w.begin_variant("au");
  auto pids = w.begin_array(4);
  w.u32(static_cast<uint32_t>(pid));
  w.end_array(pids);
  for (const auto& p : unit_properties(r, v2)) add_property(w, p);
  if (manager.empty()) add_devices(w, r.devices, v2);
  w.end_array(props);
  auto aux = w.begin_array(8);
  w.end_array(aux);
  auto reply = manager_call(manager, "StartTransientUnit", "ssa(sv)a(sa(sv))", w.data());
  if (!reply) return std::unexpected(std::move(reply.error()).context("systemd: start " + s.unit));
  if (reply->error)
    return fail("systemd: start " + s.unit + ": " + reply->error_name + ": " + reply->message);
  // The job runs after the reply; the scope is there once the pid is in it.
  for (int i = 0; i < 5000; ++i) {
    if (in_cgroup(pid, s.cgroup_path)) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return fail("systemd: start " + s.unit + ": the init did not reach " + quote(s.cgroup_path) +
              " within 10 s");
}

Result<> set_scope_properties(const std::string& unit, const spec::Resources& r, bool v2,
                              const std::string& manager) {
  auto props = unit_properties(r, v2);
  const bool devices = manager.empty() && !r.devices.empty();  // an update's new allowlist
  if (props.empty() && !devices) return {};
  dbus::Writer w;
  w.string(unit);
  w.boolean(true);  // runtime: a transient unit has no other life
  auto array = w.begin_array(8);
  for (const auto& p : props) add_property(w, p);
  if (devices) add_devices(w, r.devices, v2);
  w.end_array(array);
  auto reply = manager_call(manager, "SetUnitProperties", "sba(sv)", w.data());
  if (!reply) return std::unexpected(std::move(reply.error()).context("systemd: update " + unit));
  if (reply->error)
    return fail("systemd: update " + unit + ": " + reply->error_name + ": " + reply->message);
  return {};
}

Result<> stop_scope(const std::string& unit, const std::string& manager) {
  dbus::Writer w;
  w.string(unit);
  w.string("replace");
  auto reply = manager_call(manager, "StopUnit", "ss", w.data());
  if (!reply) return std::unexpected(std::move(reply.error()).context("systemd: stop " + unit));
  if (reply->error && reply->error_name != "org.freedesktop.systemd1.NoSuchUnit")
    return fail("systemd: stop " + unit + ": " + reply->error_name + ": " + reply->message);
  return {};
}

}  // namespace mcrun::runtime
