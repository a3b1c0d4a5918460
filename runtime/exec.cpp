#include "runtime/exec.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/cgroups.hpp"
#include "runtime/container.hpp"
#include "runtime/namespaces.hpp"
#include "runtime/process_setup.hpp"
#include "runtime/sync.hpp"
#include "runtime/sys/proc.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"
#include "runtime/terminal.hpp"

namespace mcrun::runtime {
namespace {

using sys::UniqueFd;

struct ChildContext {
  const ExecOptions* opts;
  int init_pidfd, root_fd, sync_fd, console_fd;
  int ns_flags;
  const spec::Seccomp* seccomp;
  std::vector<int> close_fds;
};

Result<> child_steps(const ChildContext& ctx) {
  const spec::Process& p = ctx.opts->process;
  // One setns through the pidfd joins all of the init's namespaces at once.
  if (ctx.ns_flags && ::setns(ctx.init_pidfd, ctx.ns_flags) < 0) return fail_errno("setns into the container");
  // The init's root, not the mount namespace's: right also after --no-pivot.
  MCRUN_CHECK(sys::fchdir(ctx.root_fd));
  MCRUN_CHECK(sys::chroot("."));
  MCRUN_CHECK_CTX(sys::chdir(p.cwd), "process.cwd");
  MCRUN_CHECK(set_rlimits(p.rlimits));
  if (p.terminal) MCRUN_CHECK_CTX(setup_console(ctx.console_fd, p.console_size, false), "terminal");
  auto exe = find_executable(p.args[0], p.env);
  if (!exe) return std::unexpected(exe.error());
  return drop_privileges_and_exec(p, ctx.seccomp, ctx.opts->preserve_fds, *exe);
}

[[noreturn]] void exec_child(const ChildContext& ctx) {
  for (int fd : ctx.close_fds) UniqueFd close_it(fd);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::prctl(PR_SET_DUMPABLE, 0);  // mcrun inside the container's namespaces: keep /proc/<pid>/exe private
  for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (!sync_expect(ctx.sync_fd, SyncType::Go, "mcrun exec")) _exit(1);
  ::prctl(PR_SET_PDEATHSIG, 0);  // a detached exec outlives mcrun
  auto r = child_steps(ctx);
  (void)sync_send(ctx.sync_fd, error_message(r.error()));
  _exit(is_missing_program(r.error()) ? 127 : 1);
}

}  // namespace

Result<spec::Process> container_process(const std::string& state_root, const std::string& id) {
  auto dir = ContainerDir::open(state_root, id);
  if (!dir) return std::unexpected(dir.error());
  auto record = dir->load();
  if (!record) return std::unexpected(record.error());
  if (!record->config.process) return fail("container " + quote(id) + " has no process");
  return *record->config.process;
}

Result<ExecedProcess> exec_in_container(const ExecOptions& opts) {
  const spec::Process& p = opts.process;
  if (p.args.empty()) return fail("exec: no command given");
  if (p.terminal && opts.detach && opts.console_socket.empty())
    return fail("exec: --tty with --detach needs --console-socket");

  auto dir = ContainerDir::open(opts.state_root, opts.id);
  if (!dir) return std::unexpected(dir.error());
  auto record = dir->load();
  if (!record) return std::unexpected(record.error());
  auto status = derive_status(*dir, *record);
  if (!spec::can_exec(status))
    return fail("cannot exec in container " + quote(opts.id) + ": it is " + spec::status_name(status) +
                " (it must be running)");
  auto init_fd = sys::pidfd_open(record->state.pid);
  if (!init_fd) return std::unexpected(init_fd.error());
  if (!sys::process_alive(record->state.pid, record->init_start_time)) return fail("the container init has exited");

  const spec::Config& config = record->config;
  int flags = 0;
  bool pid_ns = false;
  if (config.linux)
    for (const auto& ns : config.linux->namespaces) {
      // pid is joined by the parent (for its children); time cannot be joined late.
      if (ns.type != "pid" && ns.type != "time") flags |= clone_flag(ns.type);
      pid_ns |= ns.type == "pid";
    }
  auto root_fd = sys::open_path("/proc/" + std::to_string(record->state.pid) + "/root", O_PATH | O_DIRECTORY);
  if (!root_fd) return std::unexpected(root_fd.error());
  auto sync = sys::socketpair(SOCK_SEQPACKET);
  if (!sync) return std::unexpected(sync.error());
  UniqueFd console, pty_receiver;
  if (p.terminal) {
    if (!opts.console_socket.empty()) {
      auto c = sys::connect_unix(opts.console_socket, SOCK_STREAM);
      if (!c) return std::unexpected(std::move(c.error()).context("--console-socket"));
      console = std::move(*c);
    } else {
      auto pair = sys::socketpair(SOCK_STREAM);
      if (!pair) return std::unexpected(pair.error());
      pty_receiver = std::move(pair->first);
      console = std::move(pair->second);
    }
  }
  // Joining the pid namespace changes only where this process's children go;
  // it is undone right after the clone (see below).
  auto own_pid_ns = sys::open_path("/proc/self/ns/pid", O_RDONLY);
  if (!own_pid_ns) return std::unexpected(own_pid_ns.error());
  if (pid_ns && ::setns(init_fd->get(), CLONE_NEWPID) < 0) return fail_errno("setns into the container's pid namespace");

  ChildContext ctx{&opts, init_fd->get(), root_fd->get(), sync->second.get(), console.get(), flags,
                   config.linux && config.linux->seccomp ? &*config.linux->seccomp : nullptr,
                   {sync->first.get(), dir->fd(), pty_receiver.get()}};
  auto child = sys::clone3_fork(0);
  if (!child) return std::unexpected(std::move(child.error()).context("clone the exec process"));
  if (child->pid == 0) exec_child(ctx);
  // Later children of ours (a sanitizer's tracer, a hook) belong to our own
  // pid namespace again.
  if (pid_ns && ::setns(own_pid_ns->get(), CLONE_NEWPID) < 0) return fail_errno("setns back to our pid namespace");

  sync->second.reset();
  console.reset();
  auto kill_child = [&] {
    (void)sys::pidfd_send_signal(child->pidfd.get(), SIGKILL);
    (void)sys::wait_pid(child->pid);
  };
  if (!record->cgroup_path.empty()) {
    if (auto r = Cgroup(record->cgroup_path).add(child->pid); !r) {
      kill_child();
      return std::unexpected(std::move(r.error()).context("join the container's cgroup"));
    }
  }
  if (auto r = sync_send(sync->first.get(), SyncMessage{SyncType::Go, 0, 0, {}}); !r) {
    kill_child();
    return std::unexpected(r.error());
  }
  ExecedProcess out;
  out.pid = child->pid;
  if (p.terminal && pty_receiver) {
    auto master = receive_fd(pty_receiver.get());
    if (!master) {
      kill_child();
      return std::unexpected(master.error());
    }
    out.pty_master = std::move(*master);
  }
  // EOF: the program is running (the child's end is close-on-exec).
  auto reply = sync_recv(sync->first.get());
  if (!reply || *reply) {
    (void)sys::wait_pid(child->pid);
    if (!reply) return std::unexpected(reply.error());
    return std::unexpected(Error{(*reply)->code, (*reply)->text});
  }
  if (!opts.pid_file.empty()) {
    std::string tmp = opts.pid_file + ".mcrun-tmp";
    MCRUN_CHECK_CTX(sys::write_file(tmp, std::to_string(child->pid)), "--pid-file");
    if (::rename(tmp.c_str(), opts.pid_file.c_str()) < 0) return fail_errno("rename to " + quote(opts.pid_file));
  }
  out.pidfd = std::move(child->pidfd);
  return out;
}

}  // namespace mcrun::runtime
