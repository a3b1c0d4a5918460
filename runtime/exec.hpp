// `exec`: a new process in a running container. It joins every namespace of
// the container's init through a pidfd (so a recycled pid can never be
// joined), its root and its cgroup, then takes the same last steps as the
// init: identity, capabilities, no_new_privs, seccomp, exec in place — so no
// mcrun code stays inside the container once the program runs.
#pragma once

#include <string>

#include "runtime/sys/fd.hpp"
#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

struct ExecOptions {
  std::string state_root, id;
  spec::Process process;       // complete: args, env, cwd, user, capabilities, ...
  std::string console_socket;  // with process.terminal: where the pty master goes
  bool detach = false;
  std::string pid_file;
  int preserve_fds = 0;
};

struct ExecedProcess {
  pid_t pid = 0;
  sys::UniqueFd pidfd;
  sys::UniqueFd pty_master;  // process.terminal without a console socket: the caller proxies it
};

// The container's process as `exec` starts from: config's process with args
// replaced (the caller then applies --env/--cwd/--user/--cap overrides).
Result<spec::Process> container_process(const std::string& state_root, const std::string& id);

Result<ExecedProcess> exec_in_container(const ExecOptions& opts);

}  // namespace mcrun::runtime
