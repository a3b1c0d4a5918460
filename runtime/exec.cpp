#include "runtime/exec.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/cgroup/cgroups.hpp"
#include "runtime/container.hpp"
#include "runtime/pid_file.hpp"
#include "runtime/process/keyring.hpp"
#include "runtime/process/lsm.hpp"
#include "runtime/process/namespaces.hpp"
#include "runtime/process/process_setup.hpp"
#include "runtime/process/scheduling.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/process/terminal.hpp"
#include "runtime/sys/child.hpp"
#include "runtime/sys/proc.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"
#include "runtime/warn.hpp"

namespace mcrun::runtime {
namespace {

using sys::UniqueFd;

// How exec's process gets into the container, as runc's nsexec does it. It
// must never be visible there while it still has the host's root, cwd or
// fds: a container process with CAP_SYS_PTRACE would reach the host through
// /proc/<pid>/root, /cwd or /fd/N of it. So it is born twice:
//  stage 1 is cloned in mcrun's own pid namespace, where the container cannot
//    see it. Once Go says it is in the container's cgroup, it joins every
//    namespace of the init through the init's pidfd (the pid namespace only
//    for its children), takes the init's root, closes every fd the program
//    must not get, and clones
//  stage 2 with CLONE_PARENT: a child of mcrun's, born inside the container's
//    pid namespace and root. Stage 1 reports stage 2's pid (Ready) and exits;
//    then stage 2 sets the process up and execs the program in place, or reports
//    why it could not ({errno, message}). EOF on the sync socket means the
//    exec succeeded (its end is close-on-exec).

// The running container, pinned: its lock, its record, its init.
struct Target {
  ContainerDir dir;  // locked for the whole exec (but see `paused`)
  spec::Record record;
  UniqueFd init_pidfd;  // bound to the init: a recycled pid is never joined
  UniqueFd root;        // the init's root directory
  bool paused = false;  // --ignore-paused: then not locked once the child starts
};

struct ChildContext {
  const ExecOptions* opts;
  const spec::Process* process;
  const std::optional<spec::Personality>* personality;     // the container's
  const std::optional<spec::MemoryPolicy>* memory_policy;  // the container's
  int init_pidfd, root_fd, sync_fd, console_fd;
  int ns_flags;  // CLONE_NEWPID included: setns then places our children
  const SeccompProgram* seccomp;
  const std::string* session_keyring;  // to join (keyring.hpp); "" keeps the caller's
  bool user_namespace;                 // the container has one
  std::vector<int> join_cgroup;        // v1 `tasks` files stage 1 writes "0" to (CgroupEntry)
};

Result<Target> open_target(const ExecOptions& opts) {
  auto dir = ContainerDir::open(opts.state_root, opts.id);
  if (!dir) return std::unexpected(dir.error());
  auto record = dir->load();
  if (!record) return std::unexpected(record.error());
  auto status = derive_status(*dir, *record);
  if (status == spec::Status::Paused && !opts.ignore_paused)
    return fail("cannot exec in container " + quote(opts.id) +
                ": it is paused (--ignore-paused: the process runs once it is resumed)");
  if (!spec::can_exec(status) && status != spec::Status::Paused)
    return fail("cannot exec in container " + quote(opts.id) + ": container not running (it is " +
                spec::status_name(status) + ")");
  pid_t pid = record->state.pid;
  auto pidfd = sys::pidfd_open(pid);
  if (!pidfd) return std::unexpected(pidfd.error());
  // After pidfd_open: if the start time still matches, the pidfd is the init's.
  if (!sys::process_alive(pid, record->init_start_time))
    return fail("the container init has exited", ESRCH);
  auto root = sys::open_path("/proc/" + std::to_string(pid) + "/root", O_PATH | O_DIRECTORY);
  if (!root) return std::unexpected(root.error());
  // The init was alive after the open, so /proc/<pid> still named it then.
  if (!sys::pidfd_send_signal(pidfd->get(), 0)) return fail("the container init has exited", ESRCH);
  return Target{std::move(*dir), std::move(*record), std::move(*pidfd), std::move(*root),
                status == spec::Status::Paused};
}

// The container's seccomp program: create's compiled copy, or (a container
// made by an older mcrun, a damaged copy) compiled again from the config.
Result<std::optional<SeccompProgram>> container_seccomp(const Target& target) {
  const spec::Config& config = target.record.config;
  if (!config.linux || !config.linux->seccomp) return std::optional<SeccompProgram>{};
  if (auto bytes = target.dir.load_seccomp())
    if (auto program = decode_seccomp(*bytes))
      return std::optional<SeccompProgram>(std::move(*program));
  auto program = compile_seccomp(*config.linux->seccomp);
  if (!program) return std::unexpected(program.error());
  return std::optional<SeccompProgram>(std::move(*program));
}

int namespace_flags(const spec::Config& config) {
  int flags = 0;
  if (config.linux)
    for (const auto& ns : config.linux->namespaces) flags |= clone_flag(ns.type);
  return flags;
}

// Stage 2, inside: the process itself.
Result<> run_program(const ChildContext& ctx) {
  const spec::Process& p = *ctx.process;
  if (!ctx.session_keyring->empty())
    MCRUN_CHECK(join_container_keyring(*ctx.session_keyring, ctx.user_namespace));
  // In the container's cgroup now, where the kernel gave it the cgroup's CPUs.
  if (p.exec_cpu_affinity)
    MCRUN_CHECK(set_cpu_affinity(p.exec_cpu_affinity->final, "process.execCPUAffinity.final"));
  MCRUN_CHECK_CTX(sys::chdir(p.cwd), "process.cwd");
  MCRUN_CHECK(set_rlimits(p.rlimits));
  MCRUN_CHECK(apply_scheduling(p));
  MCRUN_CHECK(apply_personality(*ctx.personality));
  MCRUN_CHECK(apply_memory_policy(*ctx.memory_policy));
  if (p.terminal) MCRUN_CHECK_CTX(setup_console(ctx.console_fd, p.console_size, false), "terminal");
  auto exe = find_executable(p.args[0], p.env);
  if (!exe) return std::unexpected(exe.error());
  const std::vector<std::string> env = program_env(p.env, p.user.uid);
  MCRUN_CHECK(close_on_exec(ctx.opts->preserve_fds));
  MCRUN_CHECK(drop_privileges(p, ctx.seccomp));
  return exec_program(p.args, env, *exe);
}

// Stage 1: into the namespaces and root, then stage 2. Returns its pid.
Result<pid_t> enter_container(const ChildContext& ctx) {
  if (ctx.ns_flags && ::setns(ctx.init_pidfd, ctx.ns_flags) < 0)
    return fail_errno("setns into the container");
  // The init's root, not the mount namespace's: right also after --no-pivot.
  MCRUN_CHECK(sys::fchdir(ctx.root_fd));
  MCRUN_CHECK(sys::chroot("."));
  std::vector<int> keep = {ctx.sync_fd, ctx.console_fd};
  for (int fd = 3; fd < 3 + ctx.opts->preserve_fds; ++fd) keep.push_back(fd);
  MCRUN_CHECK(sys::close_fds_except(keep));
  // Stage 2 starts once stage 1 has exited (EOF on this pipe), so whatever it
  // reports comes after stage 1's Ready.
  auto order = sys::pipe();
  if (!order) return std::unexpected(order.error());
  auto& [wait_end, stage1_end] = *order;
  auto child = sys::clone3_fork(CLONE_PARENT);
  if (!child) return std::unexpected(std::move(child.error()).context("clone into the container"));
  if (child->pid == 0) {
    stage1_end.reset();
    char byte;
    while (::read(wait_end.get(), &byte, 1) < 0 && errno == EINTR) {
    }
    wait_end.reset();
    auto r = run_program(ctx);
    (void)sync_send(ctx.sync_fd, error_message(r.error()));
    _exit(is_missing_program(r.error()) ? 127 : 1);
  }
  return child->pid;
}

[[noreturn]] void stage1(const ChildContext& ctx) {
  begin_container_child();  // inherited by stage 2
  if (!sync_expect(ctx.sync_fd, SyncType::Go, "mcrun exec")) _exit(1);
  auto in = enter_cgroups_by_self(ctx.join_cgroup);
  auto pid = in ? enter_container(ctx) : std::unexpected(in.error());
  if (!pid) {
    (void)sync_send(ctx.sync_fd, error_message(pid.error()));
    _exit(1);
  }
  (void)sync_send(ctx.sync_fd, SyncMessage{SyncType::Ready, 0, *pid, {}});
  _exit(0);
}

struct Console {
  UniqueFd for_child;  // connected --console-socket, or our socketpair's end
  UniqueFd receiver;   // no console socket: where the child sends the master
};

Result<Console> open_console(const ExecOptions& opts, bool terminal) {
  Console c;
  if (!terminal) return c;
  if (!opts.console_socket.empty()) {
    auto s = sys::connect_unix(opts.console_socket, SOCK_STREAM);
    if (!s) return std::unexpected(std::move(s.error()).context("--console-socket"));
    c.for_child = std::move(*s);
    return c;
  }
  auto pair = sys::socketpair(SOCK_STREAM);
  if (!pair) return std::unexpected(pair.error());
  c.receiver = std::move(pair->first);
  c.for_child = std::move(pair->second);
  return c;
}

// Clones stage 1 into the container's cgroup (born in its cgroup2 one, and
// moving itself into the v1 ones: cgroups.hpp's CgroupEntry), lets it go,
// and returns stage 2 (stage 1 reaped), ours to kill until released.
Result<sys::OwnedChild> start_child(const Target& t, ChildContext ctx, int sync_fd) {
  CgroupEntry entry;
  if (t.record.cgroup_path.empty() && !ctx.opts->sub_cgroups.empty())
    return fail("--cgroup: container " + quote(t.record.state.id) + " has no cgroup", EINVAL);
  if (!t.record.cgroup_path.empty()) {
    auto e = Cgroup(t.record.cgroup_path).entry(ctx.opts->sub_cgroups);
    if (!e) return std::unexpected(std::move(e.error()).context("the container's cgroup"));
    entry = std::move(*e);
  }
  for (const auto& fd : entry.self_join) ctx.join_cgroup.push_back(fd.get());
  auto clone = sys::clone3_fork(0, entry.clone_into ? entry.clone_into.get() : -1);
  if (!clone) return std::unexpected(std::move(clone.error()).context("clone the exec process"));
  if (clone->pid == 0) stage1(ctx);
  sys::OwnedChild first(clone->pid, std::move(clone->pidfd));
  entry = CgroupEntry{};
  MCRUN_CHECK(sync_send(sync_fd, SyncMessage{SyncType::Go, 0, 0, {}}));
  auto entered = sync_expect(sync_fd, SyncType::Ready, "mcrun exec's child");
  first.kill_and_reap();  // it exits by itself after Ready
  if (!entered) return std::unexpected(entered.error());
  auto pid = static_cast<pid_t>(entered->value);
  // Our child (CLONE_PARENT) and not reaped: the pid cannot name another process.
  auto pidfd = sys::pidfd_open(pid);
  if (!pidfd) {
    ::kill(pid, SIGKILL);
    (void)sys::wait_pid(pid);
    return std::unexpected(pidfd.error());
  }
  return sys::OwnedChild(pid, std::move(*pidfd));
}

// The process exec starts: the caller's, or the container's own, adjusted.
Result<spec::Process> process_to_run(const ExecOptions& opts, const spec::Config& config) {
  spec::Process p;
  if (opts.process) {
    p = *opts.process;
  } else {
    if (!config.process) return fail("container " + quote(opts.id) + " has no process");
    p = *config.process;
  }
  if (opts.adjust) MCRUN_CHECK(opts.adjust(p));
  if (p.args.empty()) return fail("exec: no command given");
  if (p.terminal && opts.detach && opts.console_socket.empty())
    return fail("exec: --tty with --detach needs --console-socket");
  if (auto problems = spec::lsm_rules(p, host_facts(), ""); !problems.empty())
    return fail(spec::format_problems("process", problems));
  for (const auto& w : drop_capabilities_not_grantable_here(p, config, ""))
    warn(spec::format_problems("process", {w}));
  return p;
}

}  // namespace

Result<ExecedProcess> exec_in_container(const ExecOptions& opts) {
  if (opts.preserve_fds < 0) return fail("--preserve-fds: must not be negative", EINVAL);
  auto target = open_target(opts);
  if (!target) return std::unexpected(target.error());
  const spec::Config& config = target->record.config;
  auto process = process_to_run(opts, config);
  if (!process) return std::unexpected(process.error());
  // The runtime's side of the exec runs on these, and its children until
  // they enter the container's cgroup (which gives them its CPUs).
  if (process->exec_cpu_affinity)
    MCRUN_CHECK(
        set_cpu_affinity(process->exec_cpu_affinity->initial, "process.execCPUAffinity.initial"));
  auto seccomp = container_seccomp(*target);
  if (!seccomp) return std::unexpected(seccomp.error());
  auto sync = sys::socketpair(SOCK_SEQPACKET);
  if (!sync) return std::unexpected(sync.error());
  auto console = open_console(opts, process->terminal);
  if (!console) return std::unexpected(console.error());

  // A record of an mcrun before keyrings names none: its init kept the
  // caller's session keyring (that cannot change now), but this process
  // gets one of its own rather than the caller's keys.
  const std::string keyring = target->record.session_keyring ? *target->record.session_keyring
                                                             : new_container_keyring_name(opts.id);
  static const std::optional<spec::Personality> kNoPersonality;
  static const std::optional<spec::MemoryPolicy> kNoMemoryPolicy;
  ChildContext ctx{&opts,
                   &*process,
                   config.linux ? &config.linux->personality : &kNoPersonality,
                   config.linux ? &config.linux->memory_policy : &kNoMemoryPolicy,
                   target->init_pidfd.get(),
                   target->root.get(),
                   sync->second.get(),
                   console->for_child ? console->for_child.get() : -1,
                   namespace_flags(config),
                   *seccomp ? &**seccomp : nullptr,
                   &keyring,
                   config.linux && config.linux->find_namespace("user")};
  // Stage 1 freezes as it joins a paused container's cgroup, before it can
  // report; the resume it waits for needs the lock. The init stays pinned by
  // its pidfd: a delete meanwhile fails the setns, or kills the process with
  // the rest of the container.
  if (target->paused) target->dir.unlock();
  auto child = start_child(*target, ctx, sync->first.get());
  if (!child) return std::unexpected(child.error());
  sync->second.reset();
  console->for_child.reset();

  ExecedProcess out;
  if (console->receiver) {
    auto master = receive_fd(console->receiver.get());
    if (!master) return std::unexpected(master.error());
    out.pty_master = std::move(*master);
  }
  // EOF: the program is running. A message: why it is not.
  auto reply = sync_recv(sync->first.get());
  if (!reply) return std::unexpected(reply.error());
  if (*reply) return std::unexpected(error_of(**reply));
  if (!opts.pid_file.empty()) MCRUN_CHECK(write_pid_file(opts.pid_file, child->pid()));
  auto [pid, pidfd] = child->release();
  out.pid = pid;
  out.pidfd = std::move(pidfd);
  return out;
}

}  // namespace mcrun::runtime
