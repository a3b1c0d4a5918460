// mcrun exec: run another process in a running container.
#include "runtime/exec.hpp"

#include <signal.h>

#include <charconv>
#include <cstdlib>
#include <map>

#include "runtime/bundle.hpp"
#include "runtime/cli/args.hpp"
#include "runtime/cli/forward_signals.hpp"
#include "runtime/cli/log.hpp"
#include "runtime/process/process_setup.hpp"
#include "runtime/process/terminal.hpp"
#include "runtime/sys/proc.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"
#include "spec/names.hpp"

namespace mcrun::cli {
namespace {

Result<> apply_user(spec::Process& p, const std::string& text) {
  // UID[:GID], numeric (names would need the container's /etc/passwd).
  char* end;
  unsigned long uid = std::strtoul(text.c_str(), &end, 10);
  if (end == text.c_str() || (*end && *end != ':'))
    return fail("--user: " + quote(text) + " is not UID[:GID]");
  p.user.uid = static_cast<uint32_t>(uid);
  if (*end == ':') {
    char* gend;
    unsigned long gid = std::strtoul(end + 1, &gend, 10);
    if (gend == end + 1 || *gend) return fail("--user: " + quote(text) + " is not UID[:GID]");
    p.user.gid = static_cast<uint32_t>(gid);
  }
  return {};
}

// --additional-gids: repeatable, each a GID or a comma-separated list;
// added to the process's supplementary groups, as runc adds them.
Result<> add_gids(spec::Process& p, const std::vector<std::string>& values) {
  for (const auto& value : values)
    for (auto gid : sys::split(value, ',')) {
      uint32_t n = 0;
      auto [end, ec] = std::from_chars(gid.data(), gid.data() + gid.size(), n);
      if (gid.empty() || ec != std::errc() || end != gid.data() + gid.size())
        return fail("--additional-gids: " + quote(std::string(gid)) + " is not a GID", EINVAL);
      p.user.additional_gids.push_back(n);
    }
  return {};
}

// --cgroup [CONTROLLER[,CONTROLLER...]:]PATH, repeatable: a sub-cgroup of the
// container's to run in, for those v1 hierarchies or (no prefix) for all.
Result<std::map<std::string, std::string>> sub_cgroups(const std::vector<std::string>& values) {
  std::map<std::string, std::string> out;
  for (const auto& v : values) {
    auto colon = v.find(':');
    std::string path = colon == std::string::npos ? v : v.substr(colon + 1);
    std::vector<std::string_view> controllers{""};
    if (colon != std::string::npos)
      controllers = sys::split(std::string_view(v).substr(0, colon), ',');
    for (auto c : controllers) {
      if (colon != std::string::npos && c.empty())
        return fail("--cgroup: " + quote(v) + ": an empty controller name", EINVAL);
      if (!out.emplace(std::string(c), path).second)
        return fail("--cgroup: " + quote(v) + ": " +
                        (c.empty() ? std::string("a second path for every hierarchy")
                                   : "controller " + quote(std::string(c)) + " given twice"),
                    EINVAL);
    }
  }
  return out;
}

// --env, --cwd, --user, --additional-gids, --no-new-privs, --cap, --apparmor,
// --process-label: the changes made to the process exec starts from, either
// way it came.
Result<> apply_overrides(const Args& args, spec::Process& p) {
  for (const auto& e : args.all("env")) {
    if (e.find('=') == std::string::npos || e[0] == '=')
      return fail("--env " + quote(e) + ": must have the form KEY=VALUE", EINVAL);
    auto key = e.substr(0, e.find('='));
    std::erase_if(p.env, [&](const std::string& x) { return x.substr(0, x.find('=')) == key; });
    p.env.push_back(e);
  }
  if (args.has("cwd")) {
    p.cwd = args.value("cwd");
    if (!p.cwd.starts_with("/"))
      return fail("--cwd " + quote(p.cwd) + ": must be an absolute path", EINVAL);
  }
  if (args.has("user")) MCRUN_CHECK(apply_user(p, args.value("user")));
  MCRUN_CHECK(add_gids(p, args.all("additional-gids")));
  if (args.has("no-new-privs")) p.no_new_privileges = true;
  for (const auto& cap : args.all("cap")) {
    std::string name = cap.starts_with("CAP_") ? cap : "CAP_" + cap;
    if (!spec::capability_number(name)) return fail("--cap: unknown capability " + quote(cap));
    if (!p.capabilities) p.capabilities = spec::Capabilities{};
    for (auto* set :
         {&p.capabilities->bounding, &p.capabilities->effective, &p.capabilities->permitted}) {
      if (!*set) *set = std::vector<std::string>{};
      (*set)->push_back(name);
    }
  }
  if (args.has("apparmor")) p.apparmor_profile = args.value("apparmor");
  if (args.has("process-label")) p.selinux_label = args.value("process-label");
  return {};
}

// The process: --process's file, or (COMMAND given) the container's own with
// COMMAND and --tty, which the runtime fills in from the record it loads.
Result<> choose_process(const Args& args, runtime::ExecOptions& opts) {
  const auto& pos = args.positionals();
  if (args.has("process")) {
    auto text = sys::read_file(args.value("process"));
    if (!text) return std::unexpected(std::move(text.error()).context("--process"));
    auto given = spec::load_process_text(*text, "process.json");
    if (!given) return std::unexpected(given.error());
    opts.process = std::move(*given);
    opts.adjust = [&args](spec::Process& p) { return apply_overrides(args, p); };
    return {};
  }
  if (pos.size() < 2)
    return fail("exec: no command given (mcrun exec ID COMMAND [ARG...], or --process FILE)");
  opts.adjust = [&args](spec::Process& p) {
    const auto& command = args.positionals();
    p.args.assign(command.begin() + 1, command.end());
    p.terminal = args.has("tty");
    p.console_size.reset();
    return apply_overrides(args, p);
  };
  return {};
}

Result<int> run(const Globals& g, const Args& args) {
  const auto& pos = args.positionals();
  if (pos.empty()) return fail("expected ID [COMMAND...] (usage: mcrun " + exec_verb().usage + ")");
  runtime::ExecOptions opts;
  opts.state_root = g.root;
  opts.id = pos[0];
  MCRUN_CHECK(choose_process(args, opts));
  opts.console_socket = args.value("console-socket");
  opts.detach = args.has("detach");
  opts.ignore_paused = args.has("ignore-paused");
  auto cgroups = sub_cgroups(args.all("cgroup"));
  if (!cgroups) return std::unexpected(cgroups.error());
  opts.sub_cgroups = std::move(*cgroups);
  if (args.has("pid-file")) opts.pid_file = runtime::absolute_path(args.value("pid-file"));
  auto preserve = args.number("preserve-fds", 0, 0, 1000);
  if (!preserve) return std::unexpected(preserve.error());
  opts.preserve_fds = static_cast<int>(*preserve);

  auto proc = runtime::exec_in_container(opts);
  if (!proc) {
    bool missing = runtime::is_missing_program(proc.error());
    Error e = std::move(proc.error()).context("exec " + opts.id);
    if (missing) {
      log_error(e.what());
      return 127;
    }
    return std::unexpected(e);
  }
  if (opts.detach) return 0;
  forward_signals_to(proc->pidfd.get());
  if (proc->pty_master) runtime::proxy_pty(proc->pty_master.get(), proc->pidfd.get());
  auto status = sys::wait_pid(proc->pid);
  forward_signals_to(-1);
  if (!status) return std::unexpected(status.error());
  return sys::exit_code_of(*status);
}
}  // namespace

const Verb& exec_verb() {
  static const Verb v{
      "exec",
      "run a new process inside a running container",
      "exec [options] ID [COMMAND [ARG...]]",
      {{"process", {"p"}, true, "FILE  the process as JSON (config.json's process object)"},
       {"tty", {"t"}, false, "give the process a terminal"},
       {"console-socket", {}, true, "PATH  unix socket that receives the pty master"},
       {"detach", {"d"}, false, "return once the process runs"},
       {"pid-file", {}, true, "FILE  write the process's pid here"},
       {"env", {"e"}, true, "KEY=VALUE  set an environment variable (repeatable)"},
       {"cwd", {}, true, "DIR  working directory in the container"},
       {"user", {"u"}, true, "UID[:GID]  run as this user"},
       {"additional-gids",
        {"g"},
        true,
        "GIDS  supplementary groups to add (GID[,GID...]; repeatable)"},
       {"cap", {"c"}, true, "CAP  add a capability (repeatable)"},
       {"no-new-privs", {}, false, "set no_new_privs"},
       {"preserve-fds", {}, true, "N  pass fds 3 .. 3+N-1"},
       {"cgroup",
        {},
        true,
        "[CTRL[,CTRL]:]PATH  run in this existing cgroup below the container's (repeatable)"},
       {"ignore-paused",
        {},
        false,
        "exec in a paused container too: the process runs once resumed"},
       {"process-label",
        {},
        true,
        "LABEL  the SELinux label of the process (refused without SELinux)"},
       {"apparmor",
        {},
        true,
        "PROFILE  the AppArmor profile of the process (refused without AppArmor)"}},
      run,
      true};
  return v;
}
}  // namespace mcrun::cli
