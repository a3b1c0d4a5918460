// What config.json must also satisfy for the way it is being created (the
// runtime's flags), beyond validate_config's rules: checked before anything
// is made, every problem reported with its JSON pointer. And the pure parse
// of systemd's cgroupsPath form, shared with the runtime.
#pragma once

#include <optional>
#include <string>

#include "spec/config.hpp"

namespace mcrun::spec {

struct CreateContext {
  bool console = false;         // a console socket (or run's own pty) takes process.terminal
  bool rootless = false;        // runtime/rootless.hpp: no cgroup unless one is delegated
  bool systemd_cgroup = false;  // cgroupsPath is "slice:prefix:name"
  bool disk_watched = false;    // a foreground run watches an enforced disk quota
};

Problems validate_for_create(const Config& c, const CreateContext& ctx);

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
