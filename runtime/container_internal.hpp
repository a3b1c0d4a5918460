// What the container operations (container.cpp, container_state.cpp,
// container_resources.cpp) share: loading a container under its lock, its
// init's pidfd, and finding all of its processes. Not for other modules.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "runtime/cgroup/cgroups.hpp"
#include "runtime/container.hpp"
#include "runtime/state_store.hpp"
#include "runtime/sys/fd.hpp"
#include "spec/state.hpp"

namespace mcrun::runtime::detail {

// runc's wording where clients parse it: containerd's shim takes "container
// not running" (or "no such process") from kill to mean that the process
// already finished, and "does not exist" to mean an unknown id.
std::string not_running(const std::string& id, spec::Status s, std::string_view verb);
std::string status_error(const std::string& id, spec::Status s, std::string_view verb,
                         std::string_view needs);

// The container's cgroup as its record describes it: rootless (no device
// rules) or a systemd scope (stopped on destroy).
inline Cgroup cgroup_of(const spec::Record& r) {
  Cgroup cg(r.cgroup_path);
  if (r.rootless) cg.without_device_rules();
  if (!r.systemd_unit.empty()) cg.managed_by_systemd(r.systemd_unit, r.systemd_manager);
  return cg;
}

struct Loaded {
  ContainerDir dir;
  spec::Record record;
  spec::Status status;
};
Result<Loaded> load_locked(const std::string& root, const std::string& id);

// A pidfd for the init, or nothing if that pid now names another process.
Result<sys::UniqueFd> open_init(const spec::Record& r);
bool wait_exit(int pidfd, int timeout_ms);

// POSIX mode (no cgroup, no pid namespace of its own): the init's session
// tree (see container.cpp).
std::vector<pid_t> session_tree(pid_t init, uint64_t start_time);
// Every process of the container: its cgroup, else its own pid namespace,
// else its session tree.
std::vector<pid_t> container_pids(const spec::Record& r);
bool posix_mode(const spec::Record& r);
Result<> signal_all(const spec::Record& r, int sig);

}  // namespace mcrun::runtime::detail
