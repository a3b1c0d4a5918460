// mcrun run: create + start, then (unless --detach) forward signals to the
// container, wait for it and exit with its status; the container is deleted
// afterwards unless --keep.
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "runtime/bundle.hpp"
#include "runtime/cli/args.hpp"
#include "runtime/cli/create.hpp"
#include "runtime/cli/forward_signals.hpp"
#include "runtime/cli/log.hpp"
#include "runtime/container.hpp"
#include "runtime/create.hpp"
#include "runtime/disk_usage.hpp"
#include "runtime/process/process_setup.hpp"
#include "runtime/process/terminal.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::cli {

namespace {

// The watch of an enforced disk limit (Mesos's disk/du with
// --enforce_container_disk_quota): once the sandbox grows past the limit the
// container is killed, and run says why, as Mesos fails the task with that
// limitation.
struct DiskEnforcement {
  std::unique_ptr<runtime::DiskWatcher> watcher;
  std::shared_ptr<std::string> limitation = std::make_shared<std::string>();
};

Result<DiskEnforcement> watch_disk(const Globals& g, const std::string& id,
                                   const std::optional<spec::DiskWatch>& disk) {
  DiskEnforcement e;
  if (!disk || !disk->enforced()) return e;
  auto started = runtime::DiskWatcher::start(
      *disk, [root = g.root, id, why = e.limitation](const std::string& message) {
        *why = message;
        (void)runtime::kill_container(root, id, SIGKILL, true);
      });
  if (!started) return std::unexpected(started.error());
  e.watcher = std::move(*started);
  return e;
}

// A terminal with no console socket in the foreground: the pty comes back
// to us over a socketpair (the sender goes to create) and we wire it to our
// own stdio.
struct PtyReturn {
  sys::UniqueFd receiver, sender;
};

Result<PtyReturn> pty_return(const runtime::CreateOptions& opts, const spec::Config& c,
                             bool detach) {
  if (!opts.console_socket.empty() || detach || !c.process || !c.process->terminal)
    return PtyReturn{};
  auto pair = sys::socketpair(SOCK_STREAM);
  if (!pair) return std::unexpected(pair.error());
  return PtyReturn{std::move(pair->first), std::move(pair->second)};
}

// In the foreground, once started: the disk watched, the pty proxied, the
// exit waited for; then the container deleted unless --keep.
Result<int> wait_for_exit(const Globals& g, const std::string& id, pid_t pid, int pidfd,
                          const std::optional<spec::DiskWatch>& disk, int master, bool keep) {
  auto watcher = watch_disk(g, id, disk);
  if (!watcher) {
    (void)runtime::kill_container(g.root, id, SIGKILL, true);
    (void)sys::wait_pid(pid);
    (void)runtime::delete_container(g.root, id, true);
    return std::unexpected(std::move(watcher.error()).context("run " + id));
  }
  if (master >= 0) runtime::proxy_pty(master, pidfd);
  auto status = sys::wait_pid(pid);
  forward_signals_to(-1);
  watcher->watcher.reset();
  if (!status) return std::unexpected(status.error());
  if (!watcher->limitation->empty())
    log_error("run " + id + ": " + *watcher->limitation + ": the container was killed");
  if (!keep) MCRUN_CHECK_CTX(runtime::delete_container(g.root, id, false), "delete " + id);
  return sys::exit_code_of(*status);
}

Result<int> run(const Globals& g, const Args& args) {
  auto opts = create_options(g, args, run_verb().usage);
  if (!opts) return std::unexpected(opts.error());
  const std::string what = "run " + opts->id;
  auto bundle = runtime::load_bundle(opts->bundle);
  if (!bundle) return std::unexpected(std::move(bundle.error()).context(what));
  const bool detach = args.has("detach");
  opts->disk_watched = !detach;  // this run watches an enforced disk quota
  opts->start_here = true;
  spec::Problems problems;  // create_container reports them
  auto disk = spec::disk_watch(bundle->config.annotations, problems);
  auto pty = pty_return(*opts, bundle->config, detach);
  if (!pty) return std::unexpected(pty.error());
  if (pty->sender) opts->console_fd = pty->sender.get();
  auto created = runtime::create_container(*opts, std::move(*bundle));
  pty->sender.reset();
  if (!created) {
    Error e = std::move(created.error()).context(what);
    // A program that is not there: 127, as a shell reports it.
    if (!runtime::is_missing_program(e)) return std::unexpected(std::move(e));
    log_error(e.what());
    return 127;
  }
  forward_signals_to(created->pidfd.get());
  sys::UniqueFd master;
  if (pty->receiver) {
    auto m = runtime::receive_fd(pty->receiver.get());
    if (!m) return std::unexpected(m.error());
    master = std::move(*m);
  }
  auto started = runtime::start_pending(std::move(*created->pending));
  created->pending.reset();
  if (!started) {
    (void)runtime::delete_container(g.root, opts->id, true);
    (void)sys::wait_pid(created->pid);
    return std::unexpected(std::move(started.error()).context(what));
  }
  if (detach) return 0;
  return wait_for_exit(g, opts->id, created->pid, created->pidfd.get(), disk,
                       master ? master.get() : -1, args.has("keep"));
}

std::vector<FlagSpec> run_flags() {
  auto f = create_flags();
  f.push_back({"detach", {"d"}, false, "return once the container is started"});
  f.push_back({"keep", {}, false, "do not delete the container when it exits"});
  f.push_back({"no-subreaper",
               {},
               false,
               "accepted for runc compatibility (mcrun run never makes itself a subreaper)"});
  return f;
}
}  // namespace

const Verb& run_verb() {
  static const Verb v{"run",
                      "create and start a container; wait for it and exit with its status",
                      "run [options] ID",
                      run_flags(),
                      run,
                      true};
  return v;
}
}  // namespace mcrun::cli
