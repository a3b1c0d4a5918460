// `create`: from a bundle to a container in the "created" state, or to
// nothing at all. Every step after the state directory exists is undone by a
// rollback guard if a later one fails.
#pragma once

#include <functional>
#include <string>

#include "runtime/sys/fd.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

struct CreateOptions {
  std::string state_root;
  std::string id;
  std::string bundle = ".";
  std::string pid_file;
  std::string console_socket;
  int console_fd = -1;  // instead of console_socket: a connected socket (foreground `run`)
  bool no_pivot = false;
  int preserve_fds = 0;
  int listen_fds = 0;     // LISTEN_FDS from the caller: set LISTEN_FDS/LISTEN_PID for the process
  bool rootless = false;  // runtime/rootless.hpp: no cgroup unless one is delegated
  bool systemd_cgroup = false;  // the cgroup is a systemd scope (cgroup/systemd.hpp)
  bool disk_watched = false;    // a foreground run watches an enforced disk quota
  std::function<void(const std::string&)> debug;  // --debug messages, if wanted
};

struct CreatedContainer {
  pid_t pid = 0;        // host pid of the container init
  sys::UniqueFd pidfd;  // refers to that process and no other, ever
};

struct Bundle;

Result<CreatedContainer> create_container(const CreateOptions& opts);
// The same with the bundle already loaded (run reads it once, not twice).
Result<CreatedContainer> create_container(const CreateOptions& opts, Bundle bundle);

}  // namespace mcrun::runtime
