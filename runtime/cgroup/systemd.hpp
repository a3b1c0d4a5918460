// The systemd cgroup driver (--systemd-cgroup), as runc's: the container's
// cgroup is a transient scope systemd makes (StartTransientUnit over D-Bus)
// with the init in it and the limits systemd can express as unit properties
// (so a daemon-reload keeps them); the scope is delegated to mcrun, which
// writes every limit to the cgroup files as well, also those systemd has no
// property for. delete stops the unit.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "spec/config.hpp"
#include "spec/create_rules.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

// The scope for a cgroupsPath in systemd's form (spec/create_rules.hpp).
using SystemdScope = spec::SystemdCgroupsPath;
Result<SystemdScope> systemd_scope(const std::optional<std::string>& cgroups_path,
                                   const std::string& id);

// The unit properties for `r` on this cgroup version (v2: MemoryMax,
// CPUWeight, ...; v1: MemoryLimit, CPUShares, ...), as (name, signature,
// marshalled value) for the D-Bus call; exposed for the unit tests.
struct UnitProperty {
  std::string name, signature;
  uint64_t number = 0;  // 't' and 'b' values
};

std::vector<UnitProperty> unit_properties(const spec::Resources& r, bool v2);

// The scope of a unit whose cgroup is `cgroup_path` (its slice is the parent).
SystemdScope scope_of(const std::string& unit, const std::string& cgroup_path);

// Which systemd makes the scope, `manager` below: "" for the system's
// (PID 1), else the socket of a user's own (rootless: podman's default on
// a cgroup v2 machine; the system's refuses an unprivileged caller).
Result<std::string> user_manager();  // $XDG_RUNTIME_DIR/systemd/private
// The manager's own cgroup, under which its units' are ("" for PID 1;
// "/user.slice/user-1000.slice/user@1000.service" for a user's).
Result<std::string> manager_cgroup(const std::string& manager);

// Starts the scope with `pid` in it and waits until the kernel shows it there.
Result<> start_scope(const SystemdScope& s, pid_t pid, const spec::Resources& r, bool v2,
                     const std::string& manager);
// Gives a running scope `r`'s properties (update): systemd writes a unit's
// properties to its cgroup again at every daemon-reload, and would undo an
// update it was not told about.
Result<> set_scope_properties(const std::string& unit, const spec::Resources& r, bool v2,
                              const std::string& manager);
// Stops the unit (systemd kills what is left in it and removes the cgroup).
Result<> stop_scope(const std::string& unit, const std::string& manager = "");

}  // namespace mcrun::runtime
