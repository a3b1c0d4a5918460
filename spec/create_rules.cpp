#include "spec/create_rules.hpp"

#include <cctype>

#include "spec/disk_watch.hpp"
#include "spec/names.hpp"

namespace mcrun::spec {
namespace {

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
    return fail(quote(slice) + " is not a slice name like \"system.slice\"");
  std::string base = slice.substr(0, slice.size() - 6), path;
  for (size_t pos = 0; pos <= base.size();) {
    size_t dash = std::min(base.find('-', pos), base.size());
    path += "/" + base.substr(0, dash) + ".slice";
    pos = dash + 1;
  }
  return path;
}

void cgroups_path_rules(const Config& c, const CreateContext& ctx, Problems& p) {
  if (!c.linux || !c.linux->cgroups_path) return;
  const std::string& path = *c.linux->cgroups_path;
  if (ctx.systemd_cgroup) {
    if (auto s = parse_systemd_cgroups_path(path, ""); !s)
      p.push_back({"/linux/cgroupsPath", s.error().message});
  } else if (path.find(':') != std::string::npos) {
    p.push_back({"/linux/cgroupsPath", quote(path) +
                                           " is a systemd slice path: pass --systemd-cgroup, or "
                                           "give a cgroupfs path (\"/parent/name\")"});
  } else if (path.find("..") != std::string::npos) {
    p.push_back({"/linux/cgroupsPath", "must not contain \"..\""});
  }
}

// A namespaced sysctl may be written into a namespace the container joins
// (another container's), but never into the runtime's own: joining
// /proc/1/ns/net and setting net.* would change the host (runc refuses the
// same). validate_config already made sure the namespace is listed.
bool enabled(const std::function<bool()>& module) { return !module || module(); }

void sysctl_rules(const Config& c, const HostFacts& host, Problems& p) {
  if (!c.linux || !host.is_runtime_namespace) return;
  for (const auto& [key, value] : c.linux->sysctl) {
    auto type = sysctl_namespace(key);
    const Namespace* ns = type ? c.linux->find_namespace(*type) : nullptr;
    if (ns && ns->path && host.is_runtime_namespace(*type, *ns->path))
      p.push_back(
          {child_pointer("/linux/sysctl", key),
           "not allowed in the host's " + *type + " namespace (" + quote(*ns->path) + " is ours)"});
  }
}

}  // namespace

Problems warnings_for_create(const Config& c) {
  if (c.mounts.empty() || (c.linux && c.linux->find_namespace("mount"))) return {};
  return {{"/mounts", std::to_string(c.mounts.size()) +
                          " mount(s) not made: there is no mount namespace, and they would "
                          "change the host's mount table"}};
}

Problems drop_ungrantable_capabilities(Capabilities& caps,
                                       const std::function<bool(int)>& grantable,
                                       const std::string& where) {
  Problems p;
  auto drop = [&](std::optional<std::vector<std::string>>& set, const char* key) {
    if (!set) return;
    std::vector<std::string> kept;
    for (size_t i = 0; i < set->size(); ++i) {
      const std::string& name = (*set)[i];
      auto number = capability_number(name);
      const std::string ptr = child_pointer(child_pointer(where + "/capabilities", key), i);
      if (!number)
        p.push_back({ptr, "unknown capability " + quote(name) + ": ignored"});
      else if (!grantable(*number))
        p.push_back({ptr, name + " cannot be granted here (not in the runtime's bounding set, or "
                                 "unknown to this kernel): the process runs without it"});
      else
        kept.push_back(name);
    }
    *set = std::move(kept);
  };
  drop(caps.bounding, "bounding");
  drop(caps.effective, "effective");
  drop(caps.inheritable, "inheritable");
  drop(caps.permitted, "permitted");
  drop(caps.ambient, "ambient");
  return p;
}

Problems lsm_rules(const Process& pr, const HostFacts& host, const std::string& where) {
  Problems p;
  const std::string refuse = ": refusing to run the container unconfined";
  if (pr.apparmor_profile && !pr.apparmor_profile->empty() && !enabled(host.apparmor))
    p.push_back({where + "/apparmorProfile", "AppArmor is not enabled on this host" + refuse});
  if (pr.selinux_label && !pr.selinux_label->empty() && !enabled(host.selinux))
    p.push_back({where + "/selinuxLabel", "SELinux is not enabled on this host" + refuse});
  return p;
}

bool asks_for_limits(const Resources& given) {
  Resources r = given;
  r.devices.clear();
  if (r.memory == Memory{}) r.memory.reset();
  if (r.cpu == Cpu{}) r.cpu.reset();
  if (r.block_io == BlockIo{}) r.block_io.reset();
  if (r.network == Network{}) r.network.reset();
  return !(r == Resources{});
}

Result<SystemdCgroupsPath> parse_systemd_cgroups_path(const std::optional<std::string>& path,
                                                      const std::string& id) {
  std::string spec = path.value_or("system.slice:mcrun:" + id);
  auto first = spec.find(':'), second = spec.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos ||
      spec.find(':', second + 1) != std::string::npos)
    return fail(quote(spec) + " must be \"slice:prefix:name\" with the systemd cgroup driver");
  SystemdCgroupsPath s;
  s.slice = spec.substr(0, first);
  if (s.slice.empty()) s.slice = "system.slice";
  std::string prefix = spec.substr(first + 1, second - first - 1), name = spec.substr(second + 1);
  if (name.empty() || !valid_unit_part(name) || (!prefix.empty() && !valid_unit_part(prefix)))
    return fail(quote(spec) + ": the prefix and name must be unit name parts");
  s.unit = (prefix.empty() ? "" : prefix + "-") + name + ".scope";
  auto parent = slice_path(s.slice);
  if (!parent) return std::unexpected(parent.error());
  s.cgroup_path = *parent + "/" + s.unit;
  return s;
}

Problems validate_for_create(const Config& c, const CreateContext& ctx) {
  Problems p = unsupported_fields(c);
  if (!c.process) {
    p.push_back({"/process", "is required to create a container"});
  } else {
    if (c.process->terminal && !ctx.console)
      p.push_back({"/process/terminal", "is true, which needs --console-socket"});
    for (auto& problem : lsm_rules(*c.process, ctx.host, "/process")) p.push_back(problem);
  }
  if (c.linux && c.linux->mount_label && !c.linux->mount_label->empty() &&
      !enabled(ctx.host.selinux))
    p.push_back({"/linux/mountLabel",
                 "SELinux is not enabled on this host: refusing to run the container unconfined"});
  sysctl_rules(c, ctx.host, p);
  cgroups_path_rules(c, ctx, p);
  if (ctx.rootless && c.linux && !c.linux->cgroups_path && c.linux->resources &&
      asks_for_limits(*c.linux->resources))
    p.push_back({"/linux/resources",
                 "cannot be applied rootless without a delegated cgroup: set /linux/cgroupsPath "
                 "to a cgroup this user may write (cgroup v2 delegation), or drop the limits"});
  Problems ignored;  // validate_config reports malformed annotations
  if (auto w = disk_watch(c.annotations, ignored); w && w->enforced() && !ctx.disk_watched)
    p.push_back({child_pointer("/annotations", kDiskEnforceAnnotation),
                 "an enforced disk limit is watched by `mcrun run` in the foreground, as the "
                 "Mesos agent watches it; after create or run --detach nothing would (convert "
                 "without --enforce-container-disk-quota to only report usage)"});
  sort_problems(p);
  return p;
}

}  // namespace mcrun::spec
