// linux.resources.devices on cgroup v2. There is no devices controller: the
// allowlist is a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the
// container's cgroup (as runc's devicefilter and crun's ebpf.c do). The kernel
// runs it on every open and mknod of a device node with the request in
// struct bpf_cgroup_dev_ctx {access_type = type | access << 16, major,
// minor}; it returns 1 to allow, 0 to deny.
//
// The rules are the config's followed by the default allowlist (runc's order,
// as on v1); the last rule that matches a request decides, and a request no
// rule matches is denied. An allow rule matches a request for access it all
// holds; a deny rule one that asks for any access it names (so a denied
// write also denies an open for reading and writing). So the program tests
// the rules last to first and returns at the first match. It is small enough
// to emit as raw instructions.
#pragma once

#include <linux/bpf.h>

#include <vector>

#include "spec/config.hpp"

namespace mcrun::runtime {

std::vector<bpf_insn> device_filter(const std::vector<spec::DeviceRule>& rules);

}  // namespace mcrun::runtime
