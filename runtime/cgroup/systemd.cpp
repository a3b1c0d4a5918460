#include "runtime/cgroup/systemd.hpp"

#include <unistd.h>

#include <chrono>
#include <limits>
#include <thread>

#include "runtime/cgroup/cgroup_plan.hpp"
#include "runtime/cgroup/dbus.hpp"
#include "runtime/sys/proc.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {

constexpr uint64_t kInfinity = std::numeric_limits<uint64_t>::max();

bool valid_unit_part(const std::string& s) {
  if (s.empty() || s.size() > 200) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
          c == ':' || c == '@'))
      return false;
  return s.find("..") == std::string::npos;
}

// "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice" (systemd.slice(5)).
Result<std::string> slice_path(const std::string& slice) {
  if (slice == "-.slice") return std::string();
  if (!slice.ends_with(".slice") || !valid_unit_part(slice) || slice.starts_with("-") ||
      slice.find("--") != std::string::npos || slice.ends_with("-.slice"))
    return fail("config.json: /linux/cgroupsPath: " + quote(slice) +
                " is not a slice name like \"system.slice\"");
  std::string base = slice.substr(0, slice.size() - 6), path, prefix;
  for (size_t pos = 0; pos <= base.size();) {
    size_t dash = std::min(base.find('-', pos), base.size());
    prefix = base.substr(0, dash);
    path += "/" + prefix + ".slice";
    pos = dash + 1;
  }
  return path;
}

void add_property(dbus::Writer& w, const UnitProperty& p) {
  w.begin_struct();
  w.string(p.name);
  w.begin_variant(p.signature);
  if (p.signature == "b")
    w.boolean(p.number != 0);
  else
    w.u64(p.number);
}

void add_string_property(dbus::Writer& w, const char* name, const std::string& value) {
  w.begin_struct();
  w.string(name);
  w.begin_variant("s");
  w.string(value);
}

Result<dbus::Reply> manager_call(const char* member, const std::string& signature,
                                 const std::string& body) {
  auto conn = dbus::Connection::open_system();
  if (!conn) return std::unexpected(conn.error());
  return conn->call({"org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                     "org.freedesktop.systemd1.Manager", member, signature, body});
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

}  // namespace

Result<SystemdScope> systemd_scope(const std::optional<std::string>& cgroups_path,
                                   const std::string& id) {
  std::string spec = cgroups_path.value_or("system.slice:mcrun:" + id);
  auto first = spec.find(':'), second = spec.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos ||
      spec.find(':', second + 1) != std::string::npos)
    return fail("config.json: /linux/cgroupsPath: " + quote(spec) +
                " must be \"slice:prefix:name\" with the systemd cgroup driver");
  SystemdScope s;
  s.slice = spec.substr(0, first);
  if (s.slice.empty()) s.slice = "system.slice";
  std::string prefix = spec.substr(first + 1, second - first - 1), name = spec.substr(second + 1);
  if (name.empty() || !valid_unit_part(name) || (!prefix.empty() && !valid_unit_part(prefix)))
    return fail("config.json: /linux/cgroupsPath: " + quote(spec) +
                ": the prefix and name must be unit name parts");
  s.unit = (prefix.empty() ? "" : prefix + "-") + name + ".scope";
  auto parent = slice_path(s.slice);
  if (!parent) return std::unexpected(parent.error());
  s.cgroup_path = *parent + "/" + s.unit;
  return s;
}

std::vector<UnitProperty> unit_properties(const spec::Resources& r, bool v2) {
  std::vector<UnitProperty> p;
  auto limit = [](int64_t v) { return v < 0 ? kInfinity : static_cast<uint64_t>(v); };
  if (r.memory && r.memory->limit)
    p.push_back({v2 ? "MemoryMax" : "MemoryLimit", "t", limit(*r.memory->limit)});
  if (v2 && r.memory && r.memory->reservation)
    p.push_back({"MemoryLow", "t", limit(*r.memory->reservation)});
  if (r.cpu && r.cpu->shares && *r.cpu->shares)
    p.push_back(v2 ? UnitProperty{"CPUWeight", "t", shares_to_weight(*r.cpu->shares)}
                   : UnitProperty{"CPUShares", "t", *r.cpu->shares});
  if (r.cpu && r.cpu->quota && *r.cpu->quota > 0) {
    uint64_t period = r.cpu->period.value_or(100000);
    if (period == 0) period = 100000;
    // systemd keeps a whole percent of a CPU: round up to 10 ms per second,
    // so the exact cpu.max written afterwards stays within it.
    uint64_t per_sec = static_cast<uint64_t>(*r.cpu->quota) * 1000000 / period;
    per_sec = (per_sec + 9999) / 10000 * 10000;
    p.push_back({"CPUQuotaPerSecUSec", "t", per_sec});
    p.push_back({"CPUQuotaPeriodUSec", "t", period});
  }
  if (r.pids_limit) p.push_back({"TasksMax", "t", limit(*r.pids_limit)});
  return p;
}

SystemdScope scope_of(const std::string& unit, const std::string& cgroup_path) {
  SystemdScope s{unit, "-.slice", cgroup_path};
  auto slash = cgroup_path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    auto parent = cgroup_path.substr(0, slash);
    s.slice = parent.substr(parent.rfind('/') + 1);
  }
  return s;
}

Result<> start_scope(const SystemdScope& s, pid_t pid, const spec::Resources& r, bool v2) {
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
  w.end_array(props);
  auto aux = w.begin_array(8);
  w.end_array(aux);
  auto reply = manager_call("StartTransientUnit", "ssa(sv)a(sa(sv))", w.data());
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

Result<> stop_scope(const std::string& unit) {
  dbus::Writer w;
  w.string(unit);
  w.string("replace");
  auto reply = manager_call("StopUnit", "ss", w.data());
  if (!reply) return std::unexpected(std::move(reply.error()).context("systemd: stop " + unit));
  if (reply->error && reply->error_name != "org.freedesktop.systemd1.NoSuchUnit")
    return fail("systemd: stop " + unit + ": " + reply->error_name + ": " + reply->message);
  return {};
}

}  // namespace mcrun::runtime
