// The container's device rules as systemd unit properties (DevicePolicy,
// DeviceAllow), for the systemd cgroup driver.
//
// systemd writes a unit's device policy to its cgroup again whenever it
// realizes the unit (every daemon-reload, every set-property). A scope it
// was told nothing about has DevicePolicy=auto, and on cgroup v1 systemd
// then writes "a" to devices.allow: every device opens in the container,
// the host's disks too with CAP_MKNOD. So the scope carries the same
// allowlist as the cgroup (runc does this too). On v2 systemd's filter is a
// BPF program of its own, attached beside mcrun's (device_filter.hpp), and a
// device must pass both; it never loosens mcrun's.
//
// systemd takes an allowlist only: DeviceAllow entries of "/dev/char/M:m",
// "char-M" (a whole major) or "char-*" (every one; block likewise) with
// their access. The config's rules (a deny-all first, then in order, the
// last match deciding) are reduced to one; what it cannot say (a denylist, a
// deny cutting into a wider allow, "*:n") is told to systemd more strictly
// on v1 (a reload then withholds those devices, with a warning at create)
// and not at all on v2 (systemd's policy "auto": no filter of its own).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "spec/config.hpp"

namespace mcrun::runtime {

struct SystemdDevices {
  std::string policy;                                      // "strict" or "auto"
  std::vector<std::pair<std::string, std::string>> allow;  // (DeviceAllow path, "rwm")
  // What systemd could not be told, as a sentence; empty when it is exact.
  std::string inexact;
};

// `rules`: the cgroup's whole list (the config's, then the defaults).
SystemdDevices systemd_devices(const std::vector<spec::DeviceRule>& rules, bool v2);

}  // namespace mcrun::runtime
