// `create`: from a bundle to a container in the "created" state, or to
// nothing at all. Every step after the state directory exists is undone by a
// rollback guard if a later one fails.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "runtime/state_store.hpp"
#include "runtime/sys/fd.hpp"
#include "spec/error.hpp"
#include "spec/state.hpp"

namespace mcrun::runtime {

struct CreateOptions {
  std::string state_root;
  std::string id;
  std::string bundle = ".";
  std::string pid_file;
  std::string console_socket;
  int console_fd = -1;  // instead of console_socket: a connected socket (foreground `run`)
  bool no_pivot = false;
  bool no_new_keyring = false;  // the process keeps the caller's session keyring (as runc's flag)
  int preserve_fds = 0;
  int listen_fds = 0;     // LISTEN_FDS from the caller: set LISTEN_FDS/LISTEN_PID for the process
  bool rootless = false;  // runtime/rootless.hpp: no cgroup unless one is delegated
  bool systemd_cgroup = false;  // the cgroup is a systemd scope (cgroup/systemd.hpp)
  bool disk_watched = false;    // a foreground run watches an enforced disk quota
  bool start_here = false;      // run: started by this process, not by `mcrun start`
  std::function<void(const std::string&)> debug;  // --debug messages, if wanted
};

// A container `run` created to start at once (CreateOptions::start_here):
// still locked, so no other command acts on it between create and start,
// and with no start socket: the init waits for Go on the sync socket.
struct PendingStart {
  ContainerDir dir;
  spec::Record record;
  sys::UniqueFd channel;  // our end of the sync socket
};

struct CreatedContainer {
  pid_t pid = 0;                        // host pid of the container init
  sys::UniqueFd pidfd;                  // refers to that process and no other, ever
  std::optional<PendingStart> pending;  // with start_here only
};

struct Bundle;

// Fault injection for the crash-recovery tests: MCRUN_TEST_CRASH_AT=<point>
// makes create (or run) die by SIGKILL there, as a user's kill -9 or an OOM would.
void crash_point(const char* point);

Result<CreatedContainer> create_container(const CreateOptions& opts);
// The same with the bundle already loaded (run reads it once, not twice).
Result<CreatedContainer> create_container(const CreateOptions& opts, Bundle bundle);

}  // namespace mcrun::runtime
