// OCI namespace types and their clone(2) flags.
#pragma once

#include <sched.h>

#include <string_view>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

// CLONE_NEW* for "pid", "network", ...; 0 for an unknown type.
inline int clone_flag(std::string_view type) {
  if (type == "pid") return CLONE_NEWPID;
  if (type == "network") return CLONE_NEWNET;
  if (type == "mount") return CLONE_NEWNS;
  if (type == "ipc") return CLONE_NEWIPC;
  if (type == "uts") return CLONE_NEWUTS;
  if (type == "user") return CLONE_NEWUSER;
  if (type == "cgroup") return CLONE_NEWCGROUP;
  if (type == "time") return CLONE_NEWTIME;
  return 0;
}

// A namespaced sysctl may be written into a namespace the container joins
// (another container's), but never into the runtime's own: joining
// /proc/1/ns/net and setting net.* would change the host (runc refuses the
// same). spec::validate_config already made sure the namespace is listed.
Result<> check_sysctl_namespaces(const spec::Config& c);

}  // namespace mcrun::runtime
