// `exec`: a new process in a running container. It joins every namespace of
// the container's init through a pidfd (so a recycled pid can never be
// joined), its root and its cgroup, then takes the same last steps as the
// init: identity, capabilities, no_new_privs, seccomp, exec in place — so no
// mcrun code stays inside the container once the program runs.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "runtime/sys/fd.hpp"
#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

struct ExecOptions {
  std::string state_root, id;
  // The process to start, complete (--process). Empty: the container's own
  // (config.json's, from the record exec loads anyway); `adjust` then sets
  // its args and whatever else the caller changes.
  std::optional<spec::Process> process;
  std::function<Result<>(spec::Process&)> adjust;
  std::string console_socket;  // with process.terminal: where the pty master goes
  bool detach = false;
  std::string pid_file;
  int preserve_fds = 0;
  // A paused container too: the process joins its frozen cgroup and runs
  // once the container is resumed (runc's --ignore-paused).
  bool ignore_paused = false;
  // --cgroup: an existing cgroup below the container's to run in, by v1
  // hierarchy or "" for all (Cgroup::entry).
  std::map<std::string, std::string> sub_cgroups;
};

struct ExecedProcess {
  pid_t pid = 0;
  sys::UniqueFd pidfd;
  sys::UniqueFd pty_master;  // process.terminal without a console socket: the caller proxies it
};

Result<ExecedProcess> exec_in_container(const ExecOptions& opts);

}  // namespace mcrun::runtime
