// OCI namespace types and their clone(2) flags.
#pragma once

#include <sched.h>

#include <string_view>

#include "runtime/sys/fd.hpp"
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

// A new time namespace for the init, its clocks moved by linux.timeOffsets.
// They can be written only while no process is in the namespace, so it is
// not made by clone: unshare gives the init's future children a new one, the
// offsets are written, then the init enters it itself (so that `exec` and
// /proc/<init>/ns/time see the container's from the start).
//
// The offsets file is opened first thing in the init (open_time_offsets):
// /proc/self's files belong to the host's root once the init is not
// dumpable, and to its host uid before; after setresuid(0) in a user
// namespace it is neither, and open fails (EACCES). The kernel judges a
// write by the opener's credentials and the task's time_for_children at
// the time of the write, so the early fd serves the later namespace.
Result<sys::UniqueFd> open_time_offsets(const spec::Config& config);
Result<> enter_new_time_namespace(int offsets_fd, const std::optional<spec::TimeOffsets>& offsets);

}  // namespace mcrun::runtime
