// mcrun create: set up a container; its process waits for `start`.
#include "runtime/cli/create.hpp"

#include <algorithm>
#include <cstdlib>

#include "runtime/bundle.hpp"
#include "runtime/cli/args.hpp"
#include "runtime/cli/log.hpp"
#include "runtime/create.hpp"
#include "spec/disk_watch.hpp"

namespace mcrun::cli {

std::vector<FlagSpec> create_flags() {
  return {{"bundle", {"b"}, true, "DIR  the bundle (default: .)"},
          {"pid-file", {}, true, "FILE  write the container's pid here before returning"},
          {"console-socket",
           {},
           true,
           "PATH  unix socket that receives the pty master (process.terminal)"},
          {"no-pivot", {}, false, "use MS_MOVE + chroot instead of pivot_root"},
          {"no-new-keyring",
           {},
           false,
           "keep the caller's session keyring (by default the container has its own)"},
          {"preserve-fds", {}, true, "N  pass fds 3 .. 3+N-1 to the container process"}};
}

Result<runtime::CreateOptions> create_options(const Globals& g, const Args& args,
                                              const std::string& usage) {
  MCRUN_CHECK(expect_positionals(args, 1, usage));
  runtime::CreateOptions o;
  o.state_root = g.root;
  o.rootless = g.rootless;
  o.systemd_cgroup = g.systemd_cgroup;
  o.id = args.positionals()[0];
  o.bundle = args.value("bundle", ".");
  o.pid_file = args.value("pid-file");
  o.console_socket = args.value("console-socket");
  o.no_pivot = args.has("no-pivot");
  o.no_new_keyring = args.has("no-new-keyring");
  if (g.debug) o.debug = [](const std::string& m) { log_debug(m); };
  auto preserve = args.number("preserve-fds", 0, 0, 1000);
  if (!preserve) return std::unexpected(preserve.error());
  o.preserve_fds = static_cast<int>(*preserve);
  // systemd socket activation, as runc does: LISTEN_FDS sockets at 3.. pass
  // through, and the container's process learns of them (LISTEN_PID is 1 there).
  if (const char* listen = std::getenv("LISTEN_FDS")) {
    char* end;
    long count = std::strtol(listen, &end, 10);
    if (!*end && count > 0 && count <= 1000) {
      o.listen_fds = static_cast<int>(count);
      o.preserve_fds = std::max(o.preserve_fds, o.listen_fds);
    }
  }
  return o;
}

namespace {
Result<int> run(const Globals& g, const Args& args) {
  auto opts = create_options(g, args, create_verb().usage);
  if (!opts) return std::unexpected(opts.error());
  auto created = runtime::create_container(*opts);
  if (!created) return std::unexpected(std::move(created.error()).context("create " + opts->id));
  return 0;
}
}  // namespace

const Verb& create_verb() {
  static const Verb v{"create",
                      "create a container from a bundle; its process waits for 'start'",
                      "create [options] ID",
                      create_flags(),
                      run,
                      true};
  return v;
}
}  // namespace mcrun::cli
