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

Result<int> run(const Globals& g, const Args& args) {
  auto opts = create_options(g, args, run_verb().usage);
  if (!opts) return std::unexpected(opts.error());
  // A terminal with no console socket in the foreground: the pty comes back
  // to us over a socketpair and we wire it to our own stdio.
  auto bundle = runtime::load_bundle(opts->bundle);
  if (!bundle) return std::unexpected(std::move(bundle.error()).context("run " + opts->id));
  opts->disk_watched = !args.has("detach");  // this run watches an enforced disk quota
  opts->start_here = true;
  spec::Problems problems;  // create_container reports them
  auto disk = spec::disk_watch(bundle->config.annotations, problems);
  sys::UniqueFd pty_receiver, pty_sender;
  if (opts->console_socket.empty() && !args.has("detach") && bundle->config.process &&
      bundle->config.process->terminal) {
    auto pair = sys::socketpair(SOCK_STREAM);
    if (!pair) return std::unexpected(pair.error());
    pty_receiver = std::move(pair->first);
    pty_sender = std::move(pair->second);
    opts->console_fd = pty_sender.get();
  }
  auto created = runtime::create_container(*opts, std::move(*bundle));
  pty_sender.reset();
  if (!created) {
    // A program that is not there: 127, as a shell reports it.
    if (runtime::is_missing_program(created.error())) {
      Error e = std::move(created.error()).context("run " + opts->id);
      log_error(e.what());
      return 127;
    }
    return std::unexpected(std::move(created.error()).context("run " + opts->id));
  }
  forward_signals_to(created->pidfd.get());
  sys::UniqueFd master;
  if (pty_receiver) {
    auto m = runtime::receive_fd(pty_receiver.get());
    if (!m) return std::unexpected(m.error());
    master = std::move(*m);
  }
  auto started = runtime::start_pending(std::move(*created->pending));
  created->pending.reset();
  if (!started) {
    (void)runtime::delete_container(g.root, opts->id, true);
    (void)sys::wait_pid(created->pid);
    return std::unexpected(std::move(started.error()).context("run " + opts->id));
  }
  if (args.has("detach")) return 0;
  auto watcher = watch_disk(g, opts->id, disk);
  if (!watcher) {
    (void)runtime::kill_container(g.root, opts->id, SIGKILL, true);
    (void)sys::wait_pid(created->pid);
    (void)runtime::delete_container(g.root, opts->id, true);
    return std::unexpected(std::move(watcher.error()).context("run " + opts->id));
  }
  if (master) runtime::proxy_pty(master.get(), created->pidfd.get());
  auto status = sys::wait_pid(created->pid);
  forward_signals_to(-1);
  watcher->watcher.reset();
  if (!status) return std::unexpected(status.error());
  if (!watcher->limitation->empty())
    log_error("run " + opts->id + ": " + *watcher->limitation + ": the container was killed");
  if (!args.has("keep"))
    MCRUN_CHECK_CTX(runtime::delete_container(g.root, opts->id, false), "delete " + opts->id);
  return sys::exit_code_of(*status);
}

std::vector<FlagSpec> run_flags() {
  auto f = create_flags();
  f.push_back({"detach", {"d"}, false, "return once the container is started"});
  f.push_back({"keep", {}, false, "do not delete the container when it exits"});
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
