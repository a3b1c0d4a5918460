// mcrun: the CLI. This file holds the verb table and the global flags; each
// verb lives in its own file and only parses its flags and calls the library.
// Errors are printed once, here: "mcrun: <context>: <reason>", exit 1.
#include <seccomp.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "runtime/cli/args.hpp"
#include "runtime/cli/commit.hpp"
#include "runtime/cli/help.hpp"
#include "runtime/cli/log.hpp"
#include "runtime/rootless.hpp"
#include "runtime/sealed_exe.hpp"
#include "runtime/state_store.hpp"
#include "runtime/warn.hpp"
#include "spec/config.hpp"

namespace mcrun::cli {

const std::vector<const Verb*>& all_verbs() {
  static const std::vector<const Verb*> v = {
      &create_verb(),   &start_verb(), &state_verb(), &kill_verb(),   &delete_verb(),
      &run_verb(),      &list_verb(),  &spec_verb(),  &check_verb(),  &convert_verb(),
      &features_verb(), &ps_verb(),    &pause_verb(), &resume_verb(), &update_verb(),
      &events_verb(),   &exec_verb(),  &help_verb()};
  return v;
}

const std::vector<FlagSpec>& global_flags() {
  static const std::vector<FlagSpec> f = {
      {"root",
       {},
       true,
       "DIR  state directory (default: /run/mcrun; rootless: $XDG_RUNTIME_DIR/mcrun)"},
      {"log", {}, true, "FILE  append log lines (errors, --debug) to FILE"},
      {"log-format",
       {},
       true,
       "FORMAT  text or json (one {\"level\",\"msg\",\"time\"} object per line)"},
      {"debug", {}, false, "log debug messages"},
      {"systemd-cgroup",
       {},
       false,
       "cgroups are systemd scopes (cgroupsPath \"slice:prefix:name\"; needs systemd as PID 1)"},
      {"rootless",
       {},
       true,
       "true|false|auto  rootless mode: no cgroup unless one is delegated (default auto: not "
       "root, or root of a user namespace)"},
      {"criu", {}, true, "PATH  accepted for runc compatibility; checkpointing is not supported"},
      {"help", {"h"}, false, "show help"},
      {"version", {"v"}, false, "print the version"},
  };
  return f;
}

namespace {

// runc's shape: "<name> version X", "commit: ...", "spec: ...".
void print_version() {
  const scmp_version* v = seccomp_version();
  std::printf("mcrun version %s\ncommit: %s\nspec: %s\nlibseccomp: %u.%u.%u\n", MCRUN_VERSION,
              kCommit, spec::kOciVersion, v->major, v->minor, v->micro);
}

// Global flags come before the verb: they end at the first word that is
// not a flag or a global flag's value. Returns the verb's index.
size_t split_globals(const std::vector<std::string>& argv, std::vector<std::string>& global) {
  size_t i = 0;
  while (i < argv.size() && argv[i].size() > 1 && argv[i][0] == '-') {
    global.push_back(argv[i]);
    const std::string& a = argv[i];
    std::string name = a.substr(a[1] == '-' ? 2 : 1);
    ++i;
    bool takes_value = false;
    for (const auto& f : global_flags())
      if (f.name == name) takes_value = f.takes_value;
    if (takes_value && name.find('=') == std::string::npos && i < argv.size())
      global.push_back(argv[i++]);
  }
  return i;
}

Result<Globals> make_globals(const Args& g) {
  Globals globals;
  auto rootless = runtime::parse_rootless(g.value("rootless", "auto"));
  if (!rootless) return std::unexpected(rootless.error());
  globals.rootless = *rootless;
  if (g.has("root")) {
    globals.root = g.value("root");
  } else {
    auto root = runtime::default_state_root(globals.rootless);
    if (!root) return std::unexpected(root.error());
    globals.root = *root;
  }
  globals.log = g.value("log");
  globals.log_format = g.value("log-format", "text");
  globals.debug = g.has("debug");
  globals.systemd_cgroup = g.has("systemd-cgroup");
  return globals;
}

// The verb's own flags, its help, the sealed re-exec, then the verb.
Result<int> run_verb(const Verb& verb, const Globals& globals, const std::vector<std::string>& rest,
                     char** raw_argv) {
  std::vector<FlagSpec> flags = verb.flags;
  flags.push_back({"help", {"h"}, false, "show help"});
  auto args = Args::parse(rest, flags);
  if (!args) return std::unexpected(std::move(args.error()).context(verb.name));
  if (args->has("help")) return std::fputs(verb_help_text(verb).c_str(), stdout), 0;
  if (verb.seals_self) MCRUN_CHECK(runtime::reexec_sealed(raw_argv, environ));
  return verb.run(globals, *args);
}

int dispatch(const std::vector<std::string>& argv, char** raw_argv) {
  std::vector<std::string> global;
  const size_t i = split_globals(argv, global);
  auto g = Args::parse(global, global_flags(), false);
  auto globals = g ? make_globals(*g) : std::unexpected(g.error());
  if (!globals) {
    log_error(globals.error().what());
    return 1;
  }
  log_open(globals->log, globals->log_format, globals->debug);
  runtime::set_warning_sink(log_warning);
  if (globals->log_format != "text" && globals->log_format != "json") {
    log_error("--log-format must be text or json, not " + quote(globals->log_format));
    return 1;
  }
  if (g->has("version")) return print_version(), 0;
  if (i >= argv.size() || g->has("help"))
    return std::fputs(main_help_text().c_str(), stdout),
           i >= argv.size() && !g->has("help") ? 1 : 0;

  const std::string& name = argv[i];
  const Verb* verb = find_verb(name);
  if (!verb) {
    log_error("unknown command " + quote(name) + " (see 'mcrun --help')");
    return 1;
  }
  auto code = run_verb(
      *verb, *globals,
      std::vector<std::string>(argv.begin() + static_cast<long>(i) + 1, argv.end()), raw_argv);
  if (!code) {
    log_error(code.error().what());
    return 1;
  }
  return *code;
}

}  // namespace
}  // namespace mcrun::cli

int main(int argc, char** argv) {
  // A closed pipe is an error to report (EPIPE), not a reason to die.
  ::signal(SIGPIPE, SIG_IGN);
  try {
    return mcrun::cli::dispatch(std::vector<std::string>(argv + 1, argv + argc), argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mcrun: internal error: %s\n", e.what());
    return 1;
  }
}
