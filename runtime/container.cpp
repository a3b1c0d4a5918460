// The lifecycle operations on an existing container: start, kill, delete
// (and the poststop hooks), plus what the container operations share.
#include "runtime/container.hpp"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "hooks/hook.hpp"
#include "runtime/cgroup/cgroups.hpp"
#include "runtime/container_internal.hpp"
#include "runtime/create.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/sys/proc.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"
#include "runtime/warn.hpp"
#include "spec/json_reader.hpp"

namespace mcrun::runtime {

namespace detail {
std::string not_running(const std::string& id, spec::Status s, std::string_view verb) {
  return "cannot " + std::string(verb) + " container " + quote(id) +
         ": container not running (it is " + spec::status_name(s) + ")";
}

std::string status_error(const std::string& id, spec::Status s, std::string_view verb,
                         std::string_view needs) {
  return "cannot " + std::string(verb) + " container " + quote(id) + ": it is " +
         spec::status_name(s) + " (" + std::string(needs) + ")";
}

Result<Loaded> load_locked(const std::string& root, const std::string& id) {
  auto dir = ContainerDir::open(root, id);
  if (!dir) return std::unexpected(dir.error());
  if (!dir->has_record()) {
    // A create that died before writing state: nothing of it runs any more
    // (its init dies with it), only the directory is left for delete.
    spec::Record r;
    r.state.id = id;
    r.state.status = spec::Status::Stopped;
    return Loaded{std::move(*dir), std::move(r), spec::Status::Stopped};
  }
  auto record = dir->load();
  if (!record) return std::unexpected(record.error());
  auto status = derive_status(*dir, *record);
  return Loaded{std::move(*dir), std::move(*record), status};
}

// A pidfd for the init, or nothing if that pid now names another process.
Result<sys::UniqueFd> open_init(const spec::Record& r) {
  auto fd = sys::pidfd_open(r.state.pid);
  if (!fd) return fd;
  // Checked after pidfd_open: if the start time still matches, the pidfd is
  // bound to our init, and no later pid reuse can redirect a signal.
  if (!sys::process_alive(r.state.pid, r.init_start_time))
    return fail("the container init has exited", ESRCH);
  return fd;
}

bool wait_exit(int pidfd, int timeout_ms) {
  pollfd p{pidfd, POLLIN, 0};
  int n;
  do n = ::poll(&p, 1, timeout_ms);
  while (n < 0 && errno == EINTR);
  return n > 0;
}

// POSIX mode (no cgroup, no pid namespace of its own): the init's session,
// which holds its double-forked orphans too and outlives the init, plus its
// descendants that made sessions of their own (Mesos's posix launcher kills
// the same tree). A process that both left the session and was orphaned is
// out of reach: only a cgroup tracks that one.
std::vector<pid_t> session_tree(pid_t init, uint64_t start_time) {
  auto leader = sys::proc_stat(init);
  // A live process with the init's pid that is not the init: the pid was
  // reused, which the kernel allows only once the old session is empty, so
  // that session is someone else's now.
  if (leader && leader->start_time != start_time) return {};
  auto pids = sys::session_members(init);
  if (leader && leader->state != 'Z')
    for (pid_t p : sys::descendants_of(init))
      if (std::find(pids.begin(), pids.end(), p) == pids.end()) pids.push_back(p);
  return pids;
}

// Every process of the container: its cgroup (child cgroups included) when
// it has one, else its own pid namespace, else its session tree. Never the
// members of a pid namespace the container only joined: those belong to
// other containers too.
std::vector<pid_t> container_pids(const spec::Record& r) {
  if (!r.cgroup_path.empty())
    if (auto pids = cgroup_of(r).pids()) return *pids;
  if (r.own_pid_namespace) return sys::pids_in_pid_namespace_of(r.state.pid);
  return session_tree(r.state.pid, r.init_start_time);
}

bool posix_mode(const spec::Record& r) {
  return r.cgroup_path.empty() && !r.own_pid_namespace && r.state.pid > 0;
}

Result<> signal_all(const spec::Record& r, int sig) {
  if (!r.cgroup_path.empty()) return cgroup_of(r).signal_all(sig);
  for (pid_t p : container_pids(r))
    if (::kill(p, sig) < 0 && errno != ESRCH) return fail_errno("kill " + std::to_string(p));
  return {};
}

}  // namespace detail

using namespace detail;
using sys::UniqueFd;

void run_poststop_hooks(const spec::Config& config, spec::State state) {
  if (!config.hooks) return;
  state.status = spec::Status::Stopped;
  state.pid = 0;
  for (const auto& e :
       hooks::run_phase_all(config.hooks->of(spec::HookPhase::Poststop), spec::HookPhase::Poststop,
                            spec::emit_state(state).dump()))
    warn(e.what());
}

namespace {

// The start itself, over `channel` to the waiting init: the state it reads
// (createContainer's, "created"), then its EOF (the exec succeeded: the
// init's end is close-on-exec) or its reason; then "running" and poststart.
// The caller holds the container's lock.
Result<> start_over(const ContainerDir& dir, spec::Record& record, int channel) {
  spec::State s = record.state;
  s.status = spec::Status::Created;
  MCRUN_CHECK(sync_send(channel, SyncMessage{SyncType::Go, 0, 0, spec::emit_state(s).dump()}));
  auto reply = sync_recv(channel);
  if (!reply) return std::unexpected(reply.error());
  if (*reply) return std::unexpected(error_of(**reply));
  record.state.status = spec::Status::Running;
  MCRUN_CHECK_CTX(dir.save(record), "save the state");
  if (record.config.hooks) {
    s.status = spec::Status::Running;
    auto hooks_ok = hooks::run_phase(record.config.hooks->of(spec::HookPhase::Poststart),
                                     spec::HookPhase::Poststart, spec::emit_state(s).dump());
    if (!hooks_ok) {
      // runtime-spec 1.3: a failed poststart hook stops the container.
      if (auto fd = open_init(record)) (void)sys::pidfd_send_signal(fd->get(), SIGKILL);
      return std::unexpected(hooks_ok.error());
    }
  }
  return {};
}

}  // namespace

Result<> start_container(const std::string& root, const std::string& id) {
  auto c = load_locked(root, id);
  if (!c) return std::unexpected(c.error());
  if (!spec::can_start(c->status))
    return fail(status_error(id, c->status, "start", "start needs a created container"));
  // Through the directory fd, so the state root's length never matters.
  auto sock = sys::connect_unix(sys::fd_path(c->dir.fd()) + "/" + kStartSocket, SOCK_SEQPACKET);
  if (!sock) return std::unexpected(std::move(sock.error()).context("start the container init"));
  // From here on the container counts as started, whatever the exec does.
  (void)sys::unlink_at(c->dir.fd(), kStartSocket);
  return start_over(c->dir, c->record, sock->get());
}

Result<> start_pending(PendingStart pending) {
  crash_point("before-start");
  return start_over(pending.dir, pending.record, pending.channel.get());
}

Result<> kill_container(const std::string& root, const std::string& id, int sig, bool all) {
  auto c = load_locked(root, id);
  if (!c) return std::unexpected(c.error());
  if (!spec::can_kill(c->status)) return fail(not_running(id, c->status, "kill"));
  auto fd = open_init(c->record);
  if (!fd) return std::unexpected(fd.error());
  if (!all) return sys::pidfd_send_signal(fd->get(), sig);
  MCRUN_CHECK(signal_all(c->record, sig));
  // The init is one of "all" (a cgroup.kill may have taken it and its reaper
  // reaped it already: ESRCH is what was asked for then).
  if (auto r = sys::pidfd_send_signal(fd->get(), sig); !r && r.error().code != ESRCH) return r;
  return {};
}

// delete --force of a container whose state.json is damaged (or was never
// written): whatever the separate "init" note still names goes (the init,
// its cgroup with everything in it), then the directory. What cannot be
// found any more is said, not hidden.
Result<> force_delete_damaged(const std::string& root, const std::string& id) {
  auto dir = ContainerDir::open(root, id);
  if (!dir) return std::unexpected(dir.error());
  auto init = dir->load_init();
  if (!init) {
    warn("container " + quote(id) +
         ": no readable record of its init: if any of its processes or its cgroup "
         "are left, they are not found and not removed");
    return dir->remove();
  }
  std::optional<Cgroup> cg;
  if (!init->cgroup_path.empty()) cg.emplace(init->cgroup_path);
  if (cg && cg->frozen()) (void)cg->set_frozen(false);
  if (init->pid > 0) {  // 0: create died after making the cgroup, before the init
    auto fd = sys::pidfd_open(init->pid);
    if (fd && sys::process_alive(init->pid, init->start_time)) {
      (void)sys::pidfd_send_signal(fd->get(), SIGKILL);
      if (!wait_exit(fd->get(), 10000))
        return fail("container " + quote(id) + " did not die within 10s of SIGKILL");
    }
    // The init's session: its processes outside a cgroup (POSIX mode).
    for (pid_t p : session_tree(init->pid, init->start_time)) ::kill(p, SIGKILL);
  }
  if (cg) MCRUN_CHECK(cg->destroy());
  return dir->remove();
}

Result<> delete_container(const std::string& root, const std::string& id, bool force) {
  // A create that died before it wrote state.json: its init died with it
  // (PDEATHSIG), what it made is found through the "init" note.
  if (auto dir = ContainerDir::open_unlocked(root, id); dir && !dir->has_record() && !dir->busy())
    return force_delete_damaged(root, id);
  auto c = load_locked(root, id);
  if (!c) {
    if (force && c.error().kind == ErrorKind::NotFound)
      return {};  // clients follow delete with delete --force
    if (force && c.error().kind == ErrorKind::CorruptState) return force_delete_damaged(root, id);
    return std::unexpected(c.error());
  }
  if (!spec::can_delete(c->status)) {
    if (!force) return fail(status_error(id, c->status, "delete", "stop it first, or use --force"));
    // Frozen tasks cannot act on SIGKILL: thaw a paused container first.
    if (c->status == spec::Status::Paused) (void)cgroup_of(c->record).set_frozen(false);
    auto fd = open_init(c->record);
    if (fd) {
      // Without its own pid namespace nothing kills the init's children for us.
      if (!c->record.own_pid_namespace) (void)signal_all(c->record, SIGKILL);
      // ESRCH: it is already gone (the session kill above took it, and its
      // reaper was quick), which is all this asks for.
      if (auto killed = sys::pidfd_send_signal(fd->get(), SIGKILL);
          !killed && killed.error().code != ESRCH)
        return std::unexpected(killed.error());
      // The pidfd turns readable only after the kernel has killed and reaped
      // every other process of the pid namespace (zap_pid_ns_processes).
      if (!wait_exit(fd->get(), 10000))
        return fail("container " + quote(id) + " did not die within 10s of SIGKILL");
    }
  }
  // What is left of a POSIX-mode container (its init may be gone, its
  // orphans not) dies with it.
  if (posix_mode(c->record)) (void)signal_all(c->record, SIGKILL);
  // Stragglers of a container without its own pid namespace, and cgroups it
  // made below its own, go with its cgroup.
  if (!c->record.cgroup_path.empty())
    MCRUN_CHECK_CTX(cgroup_of(c->record).destroy(), "delete " + id);
  if (c->record.state.pid > 0) run_poststop_hooks(c->record.config, c->record.state);
  return c->dir.remove();
}

}  // namespace mcrun::runtime
