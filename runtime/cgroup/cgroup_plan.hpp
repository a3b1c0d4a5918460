// linux.resources -> the cgroup files to write, for cgroup v1 (one hierarchy
// per controller) and v2 (one tree). Pure, so every mapping is unit-tested.
#pragma once

#include <string>
#include <vector>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

struct CgroupWrite {
  std::string controller;  // v1 hierarchy ("memory"); "" on v2
  std::string file;        // "memory.limit_in_bytes"
  std::string value;
  bool operator==(const CgroupWrite&) const = default;
};

// The writes, in the order they must happen (period before quota, deny-all
// before the device allowlist).
std::vector<CgroupWrite> plan_v1(const spec::Resources& r);
std::vector<CgroupWrite> plan_v2(const spec::Resources& r);

// Devices every container may use whatever the config says (runc's default
// allowlist): mknod of anything, the standard nodes, ptys, tun.
const std::vector<spec::DeviceRule>& default_device_rules();
// `rules`, then default_device_rules(): a container's whole list.
std::vector<spec::DeviceRule> with_default_devices(const std::vector<spec::DeviceRule>& rules);

// The container's cgroup path: linux.cgroupsPath ("/a/b", or "a/b" taken
// from the root) or /mcrun/<id>. The systemd form "slice:prefix:name" is an
// error here: it needs --systemd-cgroup (systemd.hpp).
Result<std::string> cgroup_path(const spec::Config& c, const std::string& id);

// A cgroup whenever the container has a namespace, resources or a
// cgroupsPath: limits are never dropped for want of one (Mesos's
// cgroups/cpu,cgroups/mem without namespaces is the common case). Only a
// config with none of them is POSIX mode: no isolation, no cgroup.
bool wants_cgroup(const spec::Config& c);

// cpu.weight (v2) from cpu.shares (v1), the conversion runc and crun use.
uint64_t shares_to_weight(uint64_t shares);

}  // namespace mcrun::runtime
