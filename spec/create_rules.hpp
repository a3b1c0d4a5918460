// What config.json must also satisfy for the way it is being created (the
// runtime's flags), beyond validate_config's rules: checked before anything
// is made, every problem reported with its JSON pointer. And the pure parse
// of systemd's cgroupsPath form, shared with the runtime.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "spec/config.hpp"

namespace mcrun::spec {

// What this host can do, found out by the runtime; the rules that use it stay
// here. Each is a question asked only when a rule needs its answer (a config
// without labels costs no probe of the LSMs). Unset, the answer is yes.
struct HostFacts {
  std::function<bool()> apparmor;
  std::function<bool()> selinux;
  // Whether the namespace at `path` is the runtime's own one of that type.
  std::function<bool(const std::string& type, const std::string& path)> is_runtime_namespace;
};

struct CreateContext {
  bool console = false;         // a console socket (or run's own pty) takes process.terminal
  bool rootless = false;        // runtime/rootless.hpp: no cgroup unless one is delegated
  bool systemd_cgroup = false;  // cgroupsPath is "slice:prefix:name"
  bool disk_watched = false;    // a foreground run watches an enforced disk quota
  HostFacts host;
};

Problems validate_for_create(const Config& c, const CreateContext& ctx);

// What create does without refusing, but says: mounts without a mount
// namespace are not made (they would change the host's mount table).
Problems warnings_for_create(const Config& c);

// runtime-spec config.md: a capability that "cannot be mapped to a relevant
// kernel interface, or cannot be granted otherwise MUST be logged as a
// warning"; runtimes "SHOULD NOT fail". Each such name (one mcrun does not
// know, or one `grantable` says no to) is taken out of its set, and a
// warning with its pointer under `where` says so. Fewer privileges, never
// more: the process runs without it.
Problems drop_ungrantable_capabilities(Capabilities& caps,
                                       const std::function<bool(int)>& grantable,
                                       const std::string& where);

// A label asked for that this host's security modules cannot apply: refused,
// never run unconfined (as runc). `where` is the process's pointer
// ("/process", or "" for exec's process.json).
Problems lsm_rules(const Process& p, const HostFacts& host, const std::string& where);

// runc's systemd form "slice:prefix:name" (an empty slice is system.slice;
// none at all is system.slice:mcrun:<id>). A slice nests by its dashes:
// "a-b.slice" lives in "a.slice".
struct SystemdCgroupsPath {
  std::string slice;        // "kubepods-besteffort-pod1.slice"
  std::string unit;         // "cri-containerd-abc.scope"
  std::string cgroup_path;  // "/kubepods.slice/.../cri-containerd-abc.scope"
};
// Fails with a sentence for /linux/cgroupsPath ("\"x\" must be ...").
Result<SystemdCgroupsPath> parse_systemd_cgroups_path(const std::optional<std::string>& path,
                                                      const std::string& id);

// Anything in /linux/resources but device rules, members that are present
// but empty ({"memory": {}}) not counting: a limit a cgroup must apply.
bool asks_for_limits(const Resources& r);

}  // namespace mcrun::spec
