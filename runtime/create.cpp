#include "runtime/create.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

#include "hooks/hook.hpp"
#include "runtime/bundle.hpp"
#include "runtime/cgroup/cgroups.hpp"
#include "runtime/cgroup/systemd.hpp"
#include "runtime/container.hpp"
#include "runtime/mount/mount_apply.hpp"
#include "runtime/mount/mount_plan.hpp"
#include "runtime/net_devices.hpp"
#include "runtime/pid_file.hpp"
#include "runtime/process/id_map.hpp"
#include "runtime/process/init.hpp"
#include "runtime/process/keyring.hpp"
#include "runtime/process/lsm.hpp"
#include "runtime/process/namespaces.hpp"
#include "runtime/process/process_setup.hpp"
#include "runtime/process/seccomp_cache.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/rootless.hpp"
#include "runtime/state_store.hpp"
#include "runtime/sys/child.hpp"
#include "runtime/sys/proc.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"
#include "runtime/warn.hpp"
#include "spec/create_rules.hpp"
#include "spec/json_reader.hpp"

namespace mcrun::runtime {
namespace {

using sys::UniqueFd;

Result<UniqueFd> listen_unix(int dir_fd, const char* name) {
  auto sock = sys::socket(AF_UNIX, SOCK_SEQPACKET);
  if (!sock) return sock;
  // Whoever can connect can start the container and feed its startContainer
  // hooks their state: the socket is 0600 whatever our umask (bind takes its
  // mode from the umask; mcrun is single-threaded here).
  struct UmaskGuard {
    mode_t old = ::umask(0177);
    ~UmaskGuard() { ::umask(old); }
  } umask_guard;
  // Through the directory fd, so the state root's length never matters.
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = sys::fd_path(dir_fd) + "/" + name;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::bind(sock->get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
    return fail_errno("bind the start socket");
  if (::listen(sock->get(), 4) < 0) return fail_errno("listen on the start socket");
  return sock;
}

// The name of our effective uid, as runc's list shows it. Read from
// /etc/passwd directly, like runc: mcrun is a static executable, and glibc's
// getpwuid would dlopen NSS modules of whatever glibc the host has.
std::string owner_name() {
  const std::string uid = std::to_string(::geteuid());
  auto passwd = sys::read_file("/etc/passwd", 4 << 20);
  if (!passwd) return uid;
  for (auto line : sys::split(*passwd, '\n')) {
    auto f = sys::split(line, ':');  // name:password:uid:gid:...
    if (f.size() > 2 && f[2] == uid) return std::string(f[0]);
  }
  return uid;
}

// Undoes a half-made container: the init (and with it every mount it made in
// its namespace) is killed and reaped, its cgroup and the state directory go.
// Once create-phase hooks have run, the lifecycle continues as for a deleted
// container (runtime.md): the poststop hooks run too, so what createRuntime
// set up gets torn down. It owns the init (its pidfd included), so the kill
// always reaches it; the cgroup and the directory it names outlive it.
struct Undo {
  const ContainerDir* dir = nullptr;
  sys::OwnedChild init;
  uint64_t init_start_time = 0;
  const Cgroup* cgroup = nullptr;
  const spec::Config* config = nullptr;
  std::optional<spec::State> hooks_started;
  bool armed = true;
  ~Undo() {
    if (!armed) return;
    init.kill_and_reap();
    if (cgroup) (void)cgroup->destroy();
    if (dir) (void)dir->remove();
    if (hooks_started && config) run_poststop_hooks(*config, *hooks_started);
  }
  // The init note: what delete finds of a create killed midway.
  Result<> note() const {
    MCRUN_CHECK_CTX(dir->save_init({init.pid(), init_start_time, cgroup ? cgroup->path() : ""}),
                    "save the state");
    return {};
  }
  // A cgroup becomes the container's, undone with it and noted, only once
  // it is made (or found empty) or systemd made the scope: one in use is
  // another container's (two configs with one cgroupsPath, a scope of that
  // name), and removing it would kill that container's processes.
  Result<> take(const Cgroup& made) {
    cgroup = &made;
    return note();
  }
};

Result<sys::OwnedChild> clone_directly(uint64_t flags, const InitContext& ctx, int cgroup_fd = -1) {
  auto child = sys::clone3_fork(flags, cgroup_fd);
  if (!child) return std::unexpected(child.error());
  if (child->pid == 0) container_init(ctx);
  return sys::OwnedChild(child->pid, std::move(child->pidfd));
}

// The init, cloned into its namespaces. A pid namespace that already exists
// (a pod's) has other processes that see the init from its first instant,
// before it could close what it inherited from us (the state directory's fd
// would lead a process with CAP_SYS_PTRACE to the whole host). So there the
// init is born as exec's child is: a helper, invisible in our own pid
// namespace, closes every fd the init must not have, joins the pid namespace
// for its children and clones the init with CLONE_PARENT (so it is ours),
// reports its pid (or -errno) through a pipe and exits.
Result<sys::OwnedChild> clone_init(uint64_t flags, const InitContext& ctx, int join_pid_ns,
                                   int cgroup_fd) {
  if (join_pid_ns < 0) return clone_directly(flags, ctx, cgroup_fd);
  if (flags & CLONE_NEWUSER) {
    // CLONE_PARENT cannot make a user namespace: join from here, clone, come back.
    auto own = sys::open_path("/proc/self/ns/pid", O_RDONLY);
    if (!own) return std::unexpected(own.error());
    if (::setns(join_pid_ns, CLONE_NEWPID) < 0) return fail_errno("setns pid namespace");
    auto child = clone_directly(flags, ctx);  // owned: a failure below kills it
    if (::setns(own->get(), CLONE_NEWPID) < 0) return fail_errno("setns back to our pid namespace");
    return child;
  }
  auto report = sys::pipe();
  if (!report) return std::unexpected(report.error());
  auto& [read_end, write_end] = *report;
  auto helper = sys::clone3_fork(0);
  if (!helper) return std::unexpected(helper.error());
  if (helper->pid == 0) {
    auto keep = init_fds(ctx);
    keep.push_back(write_end.get());
    keep.push_back(join_pid_ns);
    int32_t result = -EINVAL;
    if (!sys::close_fds_except(keep) || ::setns(join_pid_ns, CLONE_NEWPID) < 0)
      result = -errno;
    else if (auto init = clone_directly(flags | CLONE_PARENT, ctx); !init)
      result = -init.error().code;
    else
      result = init->release().first;  // our parent's child: it reaps it
    (void)!::write(write_end.get(), &result, sizeof result);
    _exit(0);
  }
  sys::OwnedChild owned(helper->pid, std::move(helper->pidfd));
  write_end.reset();
  int32_t result = 0;
  ssize_t n = ::read(read_end.get(), &result, sizeof result);
  owned.kill_and_reap();
  if (n != sizeof result) return fail("the helper that clones the container init died");
  if (result < 0) return fail("clone into the joined pid namespace", -result);
  // Ours now (CLONE_PARENT) and not reaped: the pid cannot name another process.
  auto pidfd = sys::pidfd_open(result);
  if (!pidfd) return std::unexpected(pidfd.error());
  return sys::OwnedChild(result, std::move(*pidfd));
}

// Everything that can be checked without side effects, checked first.
Result<> preflight(const CreateOptions& opts, Bundle& bundle) {
  if (opts.listen_fds > 0 && bundle.config.process) {
    auto& env = bundle.config.process->env;
    std::erase_if(env, [](const std::string& e) {
      return e.starts_with("LISTEN_FDS=") || e.starts_with("LISTEN_PID=");
    });
    env.push_back("LISTEN_FDS=" + std::to_string(opts.listen_fds));
    env.push_back("LISTEN_PID=1");
  }
  const spec::Config& config = bundle.config;
  spec::CreateContext ctx{.console = !opts.console_socket.empty() || opts.console_fd >= 0,
                          .rootless = opts.rootless,
                          .systemd_cgroup = opts.systemd_cgroup,
                          .disk_watched = opts.disk_watched,
                          .host = host_facts()};
  if (auto p = spec::validate_for_create(config, ctx); !p.empty())
    return fail(spec::format_problems("config.json", p));
  for (const auto& w : spec::warnings_for_create(config))
    warn(spec::format_problems("config.json", {w}));
  for (const auto& w :
       drop_capabilities_not_grantable_here(*bundle.config.process, config, "/process"))
    warn(spec::format_problems("config.json", {w}));
  // As runc, quietly (runc spec's own default is such a config): --debug says it.
  if (opts.debug && config.process->capabilities)
    for (const auto& name : ambient_not_raisable(*config.process->capabilities))
      opts.debug("process.capabilities.ambient: " + name +
                 " is not in the permitted and inheritable sets: not raised");
  if (opts.debug && config.linux && config.linux->seccomp)
    for (const auto& name : unknown_syscalls(*config.linux->seccomp))
      opts.debug("seccomp: syscall " + quote(name) +
                 " is unknown on this architecture; its rule is skipped");
  return {};
}

// The namespaces to make (clone flags) and those to join (open fds).
struct NamespacePlan {
  uint64_t clone_flags = 0;
  bool new_cgroup_ns = false;             // made by the init itself, once in its cgroup
  bool new_time_ns = false;               // made by the init itself, with its offsets
  std::vector<UniqueFd> fds;              // owners of `join`
  std::vector<std::pair<int, int>> join;  // (CLONE_NEW*, fd), the user namespace first
  UniqueFd pid_ns;                        // joined by the parent just before clone
  bool crosses_user_ns() const {
    return (clone_flags & CLONE_NEWUSER) ||
           std::ranges::any_of(join, [](auto j) { return j.first == CLONE_NEWUSER; });
  }
};

Result<NamespacePlan> plan_namespaces(const spec::Config& config) {
  NamespacePlan plan;
  if (!config.linux) return plan;
  for (const auto& ns : config.linux->namespaces) {
    int flag = clone_flag(ns.type);
    if (!ns.path) {
      // A new cgroup namespace is made by the init itself, after it was
      // moved into its cgroup, so that cgroup is the namespace's root; a new
      // time namespace too, its offsets written before anyone is in it.
      if (flag == CLONE_NEWCGROUP)
        plan.new_cgroup_ns = true;
      else if (flag == CLONE_NEWTIME)
        plan.new_time_ns = true;
      else
        plan.clone_flags |= flag;
      continue;
    }
    auto fd = sys::open_path(*ns.path, O_RDONLY);
    if (!fd) return std::unexpected(std::move(fd.error()).context(ns.type + " namespace"));
    // A pid namespace is entered by the children of the caller only, so the
    // parent joins it just before clone; the others the child joins itself,
    // the user namespace first (it decides what the others may do).
    if (flag == CLONE_NEWPID) {
      plan.pid_ns = std::move(*fd);
      continue;
    }
    if (flag == CLONE_NEWUSER)
      plan.join.insert(plan.join.begin(), {flag, fd->get()});
    else
      plan.join.push_back({flag, fd->get()});
    plan.fds.push_back(std::move(*fd));
  }
  return plan;
}

// The container's cgroup, when it gets one; its resources checked against
// what this cgroup version can apply.
Result<std::optional<Cgroup>> plan_cgroup(const spec::Config& config, const std::string& id,
                                          bool rootless, bool systemd) {
  if (!wants_cgroup(config)) return std::optional<Cgroup>{};
  if (rootless && !rootless_wants_cgroup(config)) return std::optional<Cgroup>{};
  std::optional<Cgroup> cgroup;
  if (systemd) {
    auto scope = systemd_scope(config.linux->cgroups_path, id);
    if (!scope) return std::unexpected(scope.error());
    // A user's systemd on v1 has no controllers to delegate: its scope would
    // exist in the name=systemd hierarchy only (podman falls back to
    // cgroupfs there).
    if (rootless && Cgroup(scope->cgroup_path).layout() == CgroupLayout::V1)
      return fail(
          "systemd cgroup driver, rootless: needs cgroup v2; on v1 a user's systemd has no "
          "controllers to delegate");
    // Rootless, the scope is the user's own systemd's, under its cgroup.
    auto manager = rootless ? user_manager() : std::string();
    if (!manager) return std::unexpected(manager.error());
    auto root = manager_cgroup(*manager);
    if (!root) return std::unexpected(root.error());
    cgroup.emplace(*root + scope->cgroup_path);
    cgroup->managed_by_systemd(scope->unit, *manager);
  } else {
    auto path = cgroup_path(config, id);
    if (!path) return std::unexpected(path.error());
    cgroup.emplace(*path);
  }
  if (rootless) cgroup->without_device_rules();
  if (config.linux->resources)
    if (auto p = spec::validate_for_cgroup(*config.linux->resources,
                                           cgroup->layout() == CgroupLayout::V2);
        !p.empty())
      return fail(spec::format_problems("config.json", p));
  return cgroup;
}

Result<> make_cgroup(const Cgroup& cgroup, const spec::Config& config, Undo& undo) {
  MCRUN_CHECK(cgroup.create());
  MCRUN_CHECK(undo.take(cgroup));
  if (config.linux->resources) return cgroup.apply(*config.linux->resources);
  return cgroup.apply(spec::Resources{});  // the device allowlist still applies
}

// What the parent does to the cloned init before letting it go: into its
// cgroup first unless it was cloned there (every byte and cycle it uses from
// here on is accounted and limited), then its id maps and its OOM score.
// linux.netDevices go into the container's network namespace: the one the
// init was cloned into, or the one it joins by path (it has not yet).
Result<> move_devices_of(pid_t pid, const spec::Linux& l) {
  const spec::Namespace* ns = l.find_namespace("network");
  auto fd = sys::open_path(ns && ns->path ? *ns->path : "/proc/" + std::to_string(pid) + "/ns/net",
                           O_RDONLY);
  if (!fd) return std::unexpected(std::move(fd.error()).context("linux.netDevices"));
  return move_net_devices(l.net_devices, fd->get());
}

Result<> setup_from_parent(pid_t pid, const Cgroup* to_join, const spec::Config& config,
                           Undo& undo) {
  if (to_join && !to_join->systemd_unit().empty()) {
    // systemd makes the scope with the init in it, then the files get
    // every limit (also those it has no property for).
    const spec::Resources none;
    const spec::Resources& r = config.linux->resources ? *config.linux->resources : none;
    MCRUN_CHECK(start_scope(scope_of(to_join->systemd_unit(), to_join->path()), pid, r,
                            to_join->layout() == CgroupLayout::V2, to_join->systemd_manager()));
    MCRUN_CHECK(undo.take(*to_join));
    MCRUN_CHECK_CTX(to_join->complete_scope(pid), "join the cgroup");
    MCRUN_CHECK(to_join->apply(r));
  } else if (to_join) {
    MCRUN_CHECK(make_cgroup(*to_join, config, undo));
    MCRUN_CHECK_CTX(to_join->add(pid), "join the cgroup");
  }
  if (config.linux) MCRUN_CHECK(write_id_maps(pid, *config.linux));
  if (config.linux && !config.linux->net_devices.empty())
    MCRUN_CHECK(move_devices_of(pid, *config.linux));
  if (config.process->oom_score_adj)
    MCRUN_CHECK_CTX(sys::write_file("/proc/" + std::to_string(pid) + "/oom_score_adj",
                                    std::to_string(*config.process->oom_score_adj)),
                    "oomScoreAdj");
  return {};
}

spec::Record initial_record(const CreateOptions& opts, const Bundle& bundle, pid_t pid,
                            uint64_t start_time, bool own_pid_namespace, const Cgroup* cgroup,
                            const std::string& session_keyring) {
  spec::Record record;
  record.state.id = opts.id;
  record.state.status = spec::Status::Creating;
  record.state.pid = pid;
  record.state.bundle = bundle.dir;
  record.state.annotations = bundle.config.annotations;
  record.state.rootfs = bundle.rootfs;
  record.state.created = sys::now_rfc3339();
  record.state.owner = owner_name();
  record.init_start_time = start_time;
  // Only a pid namespace it made dies with the init; a joined one is shared.
  record.own_pid_namespace = own_pid_namespace;
  record.cgroup_path = cgroup ? cgroup->path() : "";
  record.rootless = opts.rootless;
  record.systemd_unit = cgroup ? cgroup->systemd_unit() : "";
  record.systemd_manager = cgroup ? cgroup->systemd_manager() : "";
  record.session_keyring = session_keyring;
  record.config = bundle.config;
  return record;
}

// The parent's half of the protocol in sync.hpp: the create-phase hooks,
// Go, then Ready (or the init's reason for failing).
Result<> run_hooks_and_build(int sync_fd, sys::OwnedChild& init, const spec::Config& config,
                             const std::string& state_json) {
  if (config.hooks) {
    // prestart is deprecated but still honoured: runtime namespace, during create, like runc.
    MCRUN_CHECK(hooks::run_phase(config.hooks->of(spec::HookPhase::Prestart),
                                 spec::HookPhase::Prestart, state_json));
    MCRUN_CHECK(hooks::run_phase(config.hooks->of(spec::HookPhase::CreateRuntime),
                                 spec::HookPhase::CreateRuntime, state_json));
  }
  crash_point("before-go");
  MCRUN_CHECK(sync_send(sync_fd, SyncMessage{SyncType::Go, 0, init.pid(), state_json}));
  crash_point("after-go");  // the init is mounting
  auto ready = sync_expect(sync_fd, SyncType::Ready, "the container init");
  if (!ready && ready.error().kind == ErrorKind::PeerExited) {
    // The init reported why (or died): reap it so its status can be told.
    auto status = sys::wait_pid(init.pid());
    init.forget();
    if (status)
      ready.error().message += " (exit status " + std::to_string(sys::exit_code_of(*status)) + ")";
  }
  if (!ready) return std::unexpected(std::move(ready.error()));
  return {};
}

// Everything create decides before it changes anything on the host.
struct Plan {
  std::vector<MountOp> mounts;
  NamespacePlan ns;
  std::vector<UniqueFd> early_trees;  // owners of the MountOps' tree_fd
  std::optional<Cgroup> cgroup;
  std::optional<SeccompProgram> seccomp;
  std::string session_keyring;  // keyring.hpp; "" with --no-new-keyring
};

// Mappings of its own, or the container's joined user namespace itself;
// one namespace per distinct mapping (a pod's volumes share one).
Result<> clone_id_mapped_binds(Plan& plan, const spec::Config& config) {
  struct Made {
    std::vector<spec::IdMapping> uids, gids;
    UniqueFd ns;
  };
  std::vector<Made> made;
  auto userns_for = [&config, &made](const MountOp& op) -> Result<int> {
    for (const auto& m : made)
      if (m.uids == op.uid_map && m.gids == op.gid_map) return m.ns.get();
    const spec::Namespace* joined = config.linux ? config.linux->find_namespace("user") : nullptr;
    auto ns = !op.uid_map.empty()      ? user_namespace_of(op.uid_map, op.gid_map)
              : joined && joined->path ? sys::open_path(*joined->path, O_RDONLY)
                                       : fail("no mapping for an id-mapped mount", EINVAL);
    if (!ns) return std::unexpected(ns.error());
    made.push_back({op.uid_map, op.gid_map, std::move(*ns)});
    return made.back().ns.get();
  };
  auto trees = clone_id_mapped_sources(plan.mounts, userns_for);
  if (!trees) return std::unexpected(std::move(trees.error()).context("config.json: /mounts"));
  for (auto& t : *trees) plan.early_trees.push_back(std::move(t));
  return {};
}

Result<Plan> make_plan(const CreateOptions& opts, const Bundle& bundle) {
  const spec::Config& config = bundle.config;
  Plan plan;
  auto mounts = plan_mounts(config, bundle.dir);
  if (!mounts) return std::unexpected(mounts.error());
  plan.mounts = std::move(*mounts);
  auto ns = plan_namespaces(config);
  if (!ns) return std::unexpected(ns.error());
  plan.ns = std::move(*ns);
  // Shared binds are cloned here, before the init's tree turns slave (see
  // clone_shared_sources) — not for a joined mount namespace, whose paths
  // are not ours, nor across a user namespace: there a shared bind needs
  // rootfsPropagation "shared", as with runc.
  if ((plan.ns.clone_flags & CLONE_NEWNS) && !plan.ns.crosses_user_ns()) {
    auto trees = clone_shared_sources(plan.mounts);
    if (!trees) return std::unexpected(std::move(trees.error()).context("config.json: /mounts"));
    plan.early_trees = std::move(*trees);
  }
  MCRUN_CHECK(clone_id_mapped_binds(plan, config));
  auto cgroup = plan_cgroup(config, opts.id, opts.rootless, opts.systemd_cgroup);
  if (!cgroup) return std::unexpected(cgroup.error());
  plan.cgroup = std::move(*cgroup);
  if (config.linux && config.linux->seccomp) {
    auto compiled = compile_seccomp_cached(opts.state_root, *config.linux->seccomp);
    if (!compiled)
      return std::unexpected(std::move(compiled.error()).context("config.json: /linux/seccomp"));
    plan.seccomp = std::move(*compiled);
  }
  if (!opts.no_new_keyring) plan.session_keyring = new_container_keyring_name(opts.id);
  return plan;
}

// The init's channels to us: the start socket, the sync pair, the console.
struct Channels {
  UniqueFd listener, sync_parent, sync_child, console;
};

Result<Channels> open_channels(const CreateOptions& opts, const ContainerDir& dir) {
  Channels ch;
  if (!opts.start_here) {
    auto listener = listen_unix(dir.fd(), kStartSocket);
    if (!listener) return std::unexpected(listener.error());
    ch.listener = std::move(*listener);
  }
  auto sync = sys::socketpair(SOCK_SEQPACKET);
  if (!sync) return std::unexpected(sync.error());
  ch.sync_parent = std::move(sync->first);
  ch.sync_child = std::move(sync->second);
  if (!opts.console_socket.empty()) {
    auto c = sys::connect_unix(opts.console_socket, SOCK_STREAM);
    if (!c) return std::unexpected(std::move(c.error()).context("--console-socket"));
    ch.console = std::move(*c);
  }
  return ch;
}

// The init enters its cgroup as it is born, not moved there afterwards:
// moving a process write-locks a rwsem the whole machine shares and waits
// for an RCU grace period, the largest single cost of a start (bench (l);
// cgroups.hpp's CgroupEntry). The cgroup is made first and noted, so a
// create killed from here on still has it removed by delete. Nothing to
// enter (the parent moves the init) for a systemd scope, which systemd
// makes with the init in it, and for a joined pid namespace, whose other
// processes could reach the `tasks` fds through the init's /proc entry.
// Nor for a pids limit of 0: the kernel counts a clone into a cgroup against
// it (EAGAIN), a move into it not, and the limit is for the program's forks.
// (A create killed between the mkdir and the note leaves an empty cgroup.)
Result<CgroupEntry> cgroup_before_clone(const Plan& plan, Undo& undo, const spec::Config& config) {
  const Cgroup* cg = plan.cgroup ? &*plan.cgroup : nullptr;
  if (!cg || plan.ns.pid_ns || !cg->systemd_unit().empty()) return CgroupEntry{};
  const auto& r = config.linux->resources;  // a cgroup is planned for a linux config only
  if (r && r->pids && r->pids->limit == 0) return CgroupEntry{};
  MCRUN_CHECK(make_cgroup(*cg, config, undo));
  return cg->entry();
}

}  // namespace

void crash_point(const char* point) {
  static const char* want = std::getenv("MCRUN_TEST_CRASH_AT");
  if (want && std::strcmp(want, point) == 0) ::raise(SIGKILL);
}

Result<CreatedContainer> create_container(const CreateOptions& opts) {
  MCRUN_CHECK(validate_id(opts.id));
  auto bundle = load_bundle(opts.bundle);
  if (!bundle) return std::unexpected(bundle.error());
  return create_container(opts, std::move(*bundle));
}

namespace {

// The init, cloned into its cgroup where it can be and noted at once.
struct Born {
  pid_t pid;
  uint64_t start_time;
  bool entered;  // in its cgroup already; the parent moves nothing
};

Result<Born> clone_noted_init(const CreateOptions& opts, const Bundle& bundle, Plan& plan,
                              Channels& ch, Undo& undo) {
  const spec::Config& config = bundle.config;
  InitContext ctx{
      .config = &config,
      .rootfs = bundle.rootfs,
      .host_root = bundle.host_root,
      .no_pivot = opts.no_pivot,
      .session_keyring = plan.session_keyring,
      .mounts = std::move(plan.mounts),
      .sync_fd = ch.sync_child.get(),
      .listen_fd = ch.listener ? ch.listener.get() : -1,
      .console_fd = ch.console ? ch.console.get() : opts.console_fd,
      .preserve_fds = opts.preserve_fds,
      .join_namespaces = plan.ns.join,
      .new_cgroup_namespace = plan.ns.new_cgroup_ns,
      .new_time_namespace = plan.ns.new_time_ns,
      .seccomp = plan.seccomp ? &*plan.seccomp : nullptr,
      .parent_writes_id_maps = ::geteuid() != 0 && (plan.ns.clone_flags & CLONE_NEWUSER)};
  auto entry = cgroup_before_clone(plan, undo, config);
  if (!entry) return std::unexpected(entry.error());
  for (const auto& fd : entry->self_join) ctx.join_cgroup.push_back(fd.get());
  const bool entered = !entry->self_join.empty() || static_cast<bool>(entry->clone_into);
  // Our later children (hooks) stay in our own pid namespace, as the spec says.
  auto child = clone_init(plan.ns.clone_flags, ctx, plan.ns.pid_ns ? plan.ns.pid_ns.get() : -1,
                          entry->clone_into ? entry->clone_into.get() : -1);
  if (!child) return std::unexpected(std::move(child.error()).context("clone the container init"));
  undo.init = std::move(*child);
  const pid_t pid = undo.init.pid();
  ch.sync_child.reset(), ch.listener.reset(), ch.console.reset();
  plan.ns.fds.clear(), plan.early_trees.clear();

  // Before anything else can be left behind, note where the init and its
  // cgroup (once it is ours) are: a create killed from here on is still
  // cleaned by delete.
  auto st = sys::proc_stat(pid);
  if (!st) return fail("the container init exited before it could be set up");
  undo.init_start_time = st->start_time;
  MCRUN_CHECK(undo.note());
  crash_point("after-clone");
  *entry = CgroupEntry{};  // the init has its own copies
  if (!ctx.join_cgroup.empty())
    MCRUN_CHECK(sync_expect(ch.sync_parent.get(), SyncType::Joined, "the container init"));
  return Born{pid, st->start_time, entered};
}

// The create-phase hooks, the state, the pid file; then the init is told
// the container exists and outlives us.
Result<> finish_create(const CreateOptions& opts, const ContainerDir& dir,
                       const spec::Config& config, int sync, spec::Record& record, Undo& undo) {
  // The state the create-phase hooks read (prestart, createRuntime,
  // createContainer) says "created", as crun's does: runtime-tools' hooks
  // test expects it, and the spec names no status for these phases.
  spec::State hook_state = record.state;
  hook_state.status = spec::Status::Created;
  undo.config = &config;
  undo.hooks_started = record.state;
  MCRUN_CHECK(run_hooks_and_build(sync, undo.init, config, spec::emit_state(hook_state).dump()));

  crash_point("before-state");
  record.state.status = spec::Status::Created;
  MCRUN_CHECK_CTX(dir.save(record), "save the state");
  if (!opts.pid_file.empty())
    MCRUN_CHECK(write_pid_file(absolute_path(opts.pid_file), undo.init.pid()));
  crash_point("before-commit");
  MCRUN_CHECK(sync_send(sync, SyncMessage{SyncType::Commit, 0, 0, {}}));
  MCRUN_CHECK(sync_expect(sync, SyncType::Ack, "the container init"));
  undo.armed = false;
  return {};
}

}  // namespace

Result<CreatedContainer> create_container(const CreateOptions& opts, Bundle bundle) {
  MCRUN_CHECK(validate_id(opts.id));
  MCRUN_CHECK(preflight(opts, bundle));
  const spec::Config& config = bundle.config;
  auto plan = make_plan(opts, bundle);
  if (!plan) return std::unexpected(plan.error());
  const Cgroup* cg = plan->cgroup ? &*plan->cgroup : nullptr;

  // Side effects from here on; `undo` reverses them unless create succeeds.
  auto dir = ContainerDir::create(opts.state_root, opts.id);
  if (!dir) return std::unexpected(dir.error());
  Undo undo{&*dir};
  if (plan->seccomp)
    MCRUN_CHECK_CTX(dir->save_seccomp(encode_seccomp(*plan->seccomp)), "save the seccomp program");
  crash_point("before-clone");
  auto ch = open_channels(opts, *dir);
  if (!ch) return std::unexpected(ch.error());
  auto born = clone_noted_init(opts, bundle, *plan, *ch, undo);
  if (!born) return std::unexpected(born.error());
  MCRUN_CHECK(setup_from_parent(born->pid, born->entered ? nullptr : cg, config, undo));

  auto record = initial_record(opts, bundle, born->pid, born->start_time,
                               plan->ns.clone_flags & CLONE_NEWPID, cg, plan->session_keyring);
  MCRUN_CHECK(finish_create(opts, *dir, config, ch->sync_parent.get(), record, undo));
  auto [init_pid, pidfd] = undo.init.release();
  CreatedContainer created{init_pid, std::move(pidfd), std::nullopt};
  if (opts.start_here)
    created.pending.emplace(
        PendingStart{std::move(*dir), std::move(record), std::move(ch->sync_parent)});
  return created;
}

}  // namespace mcrun::runtime
