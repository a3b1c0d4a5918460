#include "runtime/process/init.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "hooks/hook.hpp"
#include "runtime/cgroup/cgroups.hpp"
#include "runtime/mount/devices.hpp"
#include "runtime/mount/mount_apply.hpp"
#include "runtime/mount/path_in_root.hpp"
#include "runtime/net_devices.hpp"
#include "runtime/process/keyring.hpp"
#include "runtime/process/namespaces.hpp"
#include "runtime/process/process_setup.hpp"
#include "runtime/process/scheduling.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/process/terminal.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {

using sys::UniqueFd;

bool has_namespace(const spec::Config& c, std::string_view type) {
  return c.linux && c.linux->find_namespace(type);
}

bool dev_is_tmpfs(const spec::Config& c) {
  for (const auto& m : c.mounts)
    if (m.destination == "/dev" && m.type == "tmpfs") return true;
  return false;
}

Result<> set_names(const spec::Config& c) {
  if (c.hostname && ::sethostname(c.hostname->data(), c.hostname->size()) < 0)
    return fail_errno("sethostname");
  if (c.domainname && ::setdomainname(c.domainname->data(), c.domainname->size()) < 0)
    return fail_errno("setdomainname");
  return {};
}

Result<> write_sysctls(const std::map<std::string, std::string>& sysctl) {
  for (const auto& [key, value] : sysctl) {
    std::string path = "/proc/sys/" + key;
    for (size_t i = 10; i < path.size(); ++i)
      if (path[i] == '.') path[i] = '/';
    MCRUN_CHECK_CTX(sys::write_file(path, value), "sysctl " + key);
  }
  return {};
}

// The namespaces the container joins by path, the user namespace first.
Result<> join_namespaces(const InitContext& ctx) {
  for (auto [type, fd] : ctx.join_namespaces) {
    if (::setns(fd, type) < 0) return fail_errno("setns");
    UniqueFd done(fd);
  }
  if (has_namespace(*ctx.config, "user")) {
    // Our host uid 0 is not mapped in the new (or joined) user namespace, so
    // we are its overflow uid: every file we create there would fail with
    // EOVERFLOW. The maps were written before Go; become the namespace's root
    // (a nonzero -> 0 switch keeps our capabilities). Like runc, a mapping
    // without container uid/gid 0 is refused here.
    if (::setresgid(0, 0, 0) < 0)
      return fail_errno("become gid 0 in the user namespace (is gid 0 mapped?)");
    if (::setresuid(0, 0, 0) < 0)
      return fail_errno("become uid 0 in the user namespace (is uid 0 mapped?)");
  }
  return {};
}

Result<> run_create_container_hooks(const spec::Config& c, const std::string& state_json) {
  if (!c.hooks) return {};
  return hooks::run_phase(c.hooks->of(spec::HookPhase::CreateContainer),
                          spec::HookPhase::CreateContainer, state_json);
}

// The container's own mount namespace: the tree made a slave (or what
// rootfsPropagation asks), the rootfs bound, the mounts, /dev, the
// createContainer hooks (which still see the old root), pivot_root, masked
// and read-only paths, a read-only root.
Result<> build_rootfs(const InitContext& ctx, const std::string& state_json) {
  const spec::Config& c = *ctx.config;
  const spec::Linux* l = c.linux ? &*c.linux : nullptr;
  unsigned long propagation =
      l && l->rootfs_propagation ? propagation_flags(*l->rootfs_propagation) : 0;
  // Slave first, whatever is asked: nothing mounted below may propagate to the
  // host. Only an explicit "shared"/"rshared" keeps the host's peer groups.
  unsigned long first = (propagation & MS_SHARED) ? propagation : MS_SLAVE | MS_REC;
  MCRUN_CHECK_CTX(isolate_mount_tree(first), "make the mount tree private");
  if (!ctx.host_root)
    MCRUN_CHECK_CTX(bind_rootfs(ctx.rootfs, first & MS_SHARED), "bind the rootfs");
  auto root_fd = sys::open_path(ctx.host_root ? "/" : ctx.rootfs, O_PATH | O_DIRECTORY);
  if (!root_fd) return std::unexpected(root_fd.error());
  for (const auto& op : ctx.mounts) MCRUN_CHECK(apply_mount(op, root_fd->get(), !ctx.host_root));
  // The cgroup namespace comes after the mounts: a v1 cgroup mount binds our
  // cgroups by the paths /proc/self/cgroup shows, which a new namespace would
  // turn into "/". Its root is our cgroup either way (create moved us there).
  if (ctx.new_cgroup_namespace && ::unshare(CLONE_NEWCGROUP) < 0)
    return fail_errno("unshare the cgroup namespace");
  if (!ctx.host_root) {
    if (dev_is_tmpfs(c)) MCRUN_CHECK_CTX(populate_dev(root_fd->get()), "populate /dev");
    if (l) MCRUN_CHECK_CTX(create_devices(root_fd->get(), l->devices), "linux.devices");
    auto cwd = open_or_create_in_root(root_fd->get(), c.process->cwd, Create::Directory);
    if (!cwd) return std::unexpected(std::move(cwd.error()).context("process.cwd"));
  }
  MCRUN_CHECK(run_create_container_hooks(c, state_json));
  MCRUN_CHECK(remount_readonly(ctx.mounts, root_fd->get()));
  root_fd->reset();
  if (!ctx.host_root) MCRUN_CHECK_CTX(enter_rootfs(ctx.rootfs, ctx.no_pivot), "enter the rootfs");
  if (l) {
    MCRUN_CHECK(mask_paths(l->masked_paths));
    MCRUN_CHECK(readonly_paths(l->readonly_paths));
  }
  if (c.root->readonly) MCRUN_CHECK_CTX(make_root_readonly(), "make the root read-only");
  if (propagation) MCRUN_CHECK_CTX(set_root_propagation(propagation), "rootfsPropagation");
  return {};
}

// No mount namespace: the host's mount table is the container's, so nothing
// is mounted (create warned about the config's mounts; runc and crun would
// make them on the host) and the root is entered with chroot, as runc and
// crun do. Masked paths and a read-only root were refused by validation.
Result<> enter_shared_root(const InitContext& ctx, const std::string& state_json) {
  if (ctx.new_cgroup_namespace && ::unshare(CLONE_NEWCGROUP) < 0)
    return fail_errno("unshare the cgroup namespace");
  MCRUN_CHECK(run_create_container_hooks(*ctx.config, state_json));
  if (ctx.host_root) return {};
  MCRUN_CHECK(sys::chroot(ctx.rootfs));
  return sys::chdir("/");
}

// Everything up to "Ready": namespaces joined, rootfs built and entered,
// the program found. Returns the resolved executable.
Result<std::string> prepare(const InitContext& ctx, const std::string& state_json,
                            int time_offsets_fd) {
  const spec::Config& c = *ctx.config;
  const spec::Process& p = *c.process;
  MCRUN_CHECK(join_namespaces(ctx));
  // In the user namespace, if any, so that exec (joining it too) finds the
  // keyring by name; before anything of the image's runs (createContainer
  // hooks).
  if (!ctx.session_keyring.empty())
    MCRUN_CHECK(join_container_keyring(ctx.session_keyring, has_namespace(c, "user")));
  // Owned by the container's user namespace, joined or new, if it has one.
  if (ctx.new_time_namespace)
    MCRUN_CHECK(enter_new_time_namespace(time_offsets_fd, c.linux->time_offsets));
  if (const spec::Namespace* net = c.linux ? c.linux->find_namespace("network") : nullptr;
      net && !net->path)
    MCRUN_CHECK(loopback_up());
  if (has_namespace(c, "uts")) MCRUN_CHECK(set_names(c));
  // Through our own /proc, already in the container's network and ipc
  // namespaces: a sysctl file acts on the namespace of whoever opens it.
  if (c.linux) MCRUN_CHECK(write_sysctls(c.linux->sysctl));
  // Nodes and directories get exactly the modes asked for; the process's own
  // umask is set just before exec.
  ::umask(0);
  bool own_mounts = has_namespace(c, "mount");
  MCRUN_CHECK(own_mounts ? build_rootfs(ctx, state_json) : enter_shared_root(ctx, state_json));
  MCRUN_CHECK_CTX(sys::chdir(p.cwd), "process.cwd");
  auto exe = find_executable(p.args[0], p.env);
  if (!exe) return std::unexpected(exe.error());
  if (p.terminal)
    MCRUN_CHECK_CTX(setup_console(ctx.console_fd, p.console_size, !ctx.host_root && own_mounts),
                    "terminal");
  MCRUN_CHECK(set_rlimits(p.rlimits));
  MCRUN_CHECK(apply_scheduling(p));
  if (c.linux) {
    MCRUN_CHECK(apply_personality(c.linux->personality));
    MCRUN_CHECK(apply_memory_policy(c.linux->memory_policy));
  }
  return exe;
}

// After `start`. startContainer hooks run in the container (runtime-spec
// config.md) and their binary may come from the image, so, as in runc, they
// run with the process's own restrictions: identity, capabilities,
// no_new_privs and seccomp are in place first, then the hooks, then the exec.
// Without an env of their own they get the process's (runc does the same).
Result<> exec_process(const InitContext& ctx, const std::string& exe,
                      const std::string& state_json) {
  const spec::Config& c = *ctx.config;
  const spec::Process& p = *c.process;
  const std::vector<std::string> env = program_env(p.env, p.user.uid);
  MCRUN_CHECK(close_on_exec(ctx.preserve_fds));
  MCRUN_CHECK(drop_privileges(p, ctx.seccomp));
  if (c.hooks) {
    std::vector<spec::Hook> hooks = c.hooks->of(spec::HookPhase::StartContainer);
    for (auto& h : hooks)
      if (h.env.empty()) h.env = env;
    MCRUN_CHECK(hooks::run_phase(hooks, spec::HookPhase::StartContainer, state_json));
  }
  return exec_program(p.args, env, exe);
}

// While the container is "created", its init is pid 1 of its namespace, and
// the kernel drops every signal sent to such an init that it has no handler
// for (only SIGKILL/SIGSTOP from an ancestor are forced): `kill ID TERM` on a
// created container would do nothing. runc's waiting init (Go) dies on HUP,
// INT, QUIT and TERM; so does this one, while it waits for `start`.
void exit_on(int sig) { _exit(128 + sig); }
constexpr int kStopSignals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM};

void set_stop_handlers(bool on) {
  struct sigaction sa {};
  sa.sa_handler = on ? exit_on : SIG_DFL;
  sigemptyset(&sa.sa_mask);
  for (int sig : kStopSignals) ::sigaction(sig, &sa, nullptr);
}

[[noreturn]] void report_and_exit(int fd, const Error& e, int code) {
  (void)sync_send(fd, error_message(e));
  _exit(code);
}

// The channel the start arrives on: a connection to the start socket from
// `mcrun start`, or, with no start socket (`mcrun run`, which starts what it
// created itself), the sync socket, whose EOF (the parent died) ends us.
UniqueFd wait_for_start(const InitContext& ctx) {
  if (ctx.listen_fd < 0) return UniqueFd(ctx.sync_fd);
  { UniqueFd sync(ctx.sync_fd); }
  int conn_fd;
  do conn_fd = ::accept4(ctx.listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  while (conn_fd < 0 && errno == EINTR);
  if (conn_fd < 0) _exit(1);
  { UniqueFd listener(ctx.listen_fd); }
  return UniqueFd(conn_fd);
}

}  // namespace

std::vector<int> init_fds(const InitContext& ctx) {
  std::vector<int> keep = {ctx.sync_fd, ctx.listen_fd, ctx.console_fd};
  for (auto [type, fd] : ctx.join_namespaces) keep.push_back(fd);
  keep.insert(keep.end(), ctx.join_cgroup.begin(), ctx.join_cgroup.end());
  for (const auto& op : ctx.mounts)
    if (op.tree_fd >= 0) keep.push_back(op.tree_fd);
  for (int fd = 3; fd < 3 + ctx.preserve_fds; ++fd) keep.push_back(fd);
  return keep;
}

void container_init(const InitContext& ctx) {
  // Only what the init needs stays open: no fd of the host's (the state
  // directory, mcrun's log, the parent's end of the sync socket) is ever
  // reachable through /proc/<pid>/fd of a process the container can see.
  if (!sys::close_fds_except(init_fds(ctx))) _exit(1);
  auto time_offsets = open_time_offsets(*ctx.config);
  if (!time_offsets) report_and_exit(ctx.sync_fd, time_offsets.error(), 1);
  if (!ctx.join_cgroup.empty()) {
    if (auto joined = enter_cgroups_by_self(ctx.join_cgroup); !joined)
      report_and_exit(ctx.sync_fd, joined.error(), 1);
    if (!sync_send(ctx.sync_fd, SyncMessage{SyncType::Joined, 0, 0, {}})) _exit(1);
  }
  // A session of its own, as Mesos's launcher gives its executor: the caller's
  // terminal signals go to the caller alone, and without a pid namespace or a
  // cgroup the session is how every process of the container is found, also
  // orphans and after the init exited.
  ::setsid();
  // If `mcrun create` dies before the container exists, so does its init
  // (until Commit; see sync.hpp).
  const bool parent_writes_maps = ctx.parent_writes_id_maps;
  begin_container_child(parent_writes_maps);

  auto go = sync_expect(ctx.sync_fd, SyncType::Go, "mcrun create");
  if (!go) _exit(1);
  if (parent_writes_maps) end_dumpable_window();
  auto exe = prepare(ctx, go->text, time_offsets->get());
  time_offsets->reset();
  if (!exe) report_and_exit(ctx.sync_fd, exe.error(), 1);
  if (!sync_send(ctx.sync_fd, SyncMessage{SyncType::Ready, 0, 0, {}})) _exit(1);
  if (!sync_expect(ctx.sync_fd, SyncType::Commit, "mcrun create")) _exit(1);
  // The container exists now: outlive `mcrun create`. The parent waits for
  // the Ack, so it cannot exit (and fire PDEATHSIG) before this line ran.
  ::prctl(PR_SET_PDEATHSIG, 0);
  if (!sync_send(ctx.sync_fd, SyncMessage{SyncType::Ack, 0, 0, {}})) _exit(1);

  set_stop_handlers(true);
  UniqueFd conn = wait_for_start(ctx);
  auto start = sync_expect(conn.get(), SyncType::Go, "mcrun start");
  // Started: from here to the exec the signals are the program's to receive
  // (exec keeps SIG_DFL; a handler would be reset anyway).
  set_stop_handlers(false);
  if (!start) _exit(1);
  // On success exec closes `conn` (O_CLOEXEC): `mcrun start` reads EOF.
  auto r = exec_process(ctx, *exe, start->text);
  report_and_exit(conn.get(), r.error(), r.error().code == ENOENT ? 127 : 1);
}

}  // namespace mcrun::runtime
