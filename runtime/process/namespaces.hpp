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

// Whether `path` is mcrun's own namespace of that OCI type (network, ipc and
// uts: the ones namespaced sysctls live in): spec::HostFacts's question.
bool is_runtime_namespace(const std::string& type, const std::string& path);

}  // namespace mcrun::runtime
