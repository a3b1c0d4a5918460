// The container init: the child cloned into the new namespaces. It prepares
// the rootfs and the process, reports Ready, then waits on the start socket;
// `mcrun start` connects, and the init execs the user process in place, so
// the user process is PID 1 of the container and its death ends the pid
// namespace. The init never throws and never returns: it reports failures as
// {errno, message} to whoever is waiting (create over the sync socket, start
// over its connection) and _exits.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "runtime/mount/mount_plan.hpp"
#include "runtime/process/seccomp.hpp"
#include "spec/config.hpp"

namespace mcrun::runtime {

struct InitContext {
  const spec::Config* config = nullptr;
  std::string rootfs;
  bool host_root = false;
  bool no_pivot = false;
  std::string session_keyring;  // joined first thing (keyring.hpp); "" keeps the caller's
  std::vector<MountOp> mounts;
  int sync_fd = -1;                                  // the child's end of the sync socketpair
  int listen_fd = -1;                                // the start socket; -1: start over sync_fd
  int console_fd = -1;                               // connected --console-socket, or -1
  int preserve_fds = 0;                              // fds 3 .. 3+N-1 stay open across exec
  std::vector<std::pair<int, int>> join_namespaces;  // (CLONE_NEW*, fd) to setns, in order
  bool new_cgroup_namespace = false;                 // unshare(CLONE_NEWCGROUP) once in the cgroup
  bool new_time_namespace = false;                   // with linux.timeOffsets (namespaces.hpp)
  std::vector<int>
      join_cgroup;  // v1 `tasks` files to write "0" to first (CgroupEntry), then Joined
  const SeccompProgram* seccomp = nullptr;  // compiled by the parent
  // An unprivileged parent writes the new user namespace's id maps: the init
  // stays dumpable until Go (decided by the parent: once uid_map is written,
  // the init's own geteuid() already says 0).
  bool parent_writes_id_maps = false;
};

[[noreturn]] void container_init(const InitContext& ctx);

// The descriptors the init needs; it closes every other one first thing.
std::vector<int> init_fds(const InitContext& ctx);

}  // namespace mcrun::runtime
