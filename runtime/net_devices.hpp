// linux.netDevices: host network devices moved into the container's network
// namespace before its program runs (runtime-spec config-linux.md). Moving a
// device drops its addresses, so its permanent global ones are read first
// and given back; the device is renamed in the same request and set up.
// Nothing moves them back: the namespace's end does (physical devices
// return to the host, virtual ones are destroyed), as the spec says.
#pragma once

#include <map>
#include <string>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

// `netns_fd`: the container's network namespace. Errors name the device.
Result<> move_net_devices(const std::map<std::string, spec::NetDevice>& devices, int netns_fd);

// "lo" set up in the caller's network namespace, a new one (runc and crun
// do it in a namespace they make; one joined by path is its owner's to set
// up): programs can listen on and reach 127.0.0.1.
Result<> loopback_up();

}  // namespace mcrun::runtime
