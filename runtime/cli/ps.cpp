// mcrun ps: the container's processes (json: host pids, as containerd reads them).
#include <cstdio>

#include "runtime/cli/args.hpp"
#include "runtime/container.hpp"
#include "runtime/sys/syscalls.hpp"
#include "spec/json.hpp"

namespace mcrun::cli {
namespace {
Result<int> run(const Globals& g, const Args& args) {
  if (args.positionals().empty()) return fail("expected ID (usage: mcrun " + ps_verb().usage + ")");
  std::string format = args.value("format", "table");
  if (format != "table" && format != "json")
    return fail("--format must be table or json, not " + quote(format));
  auto pids = runtime::container_processes(g.root, args.positionals()[0]);
  if (!pids) return std::unexpected(pids.error());
  if (format == "json") {
    std::printf("%s\n", Json(*pids).dump().c_str());
    return 0;
  }
  std::printf("%-8s %s\n", "PID", "CMD");
  for (pid_t p : *pids) {
    auto cmd = sys::read_file("/proc/" + std::to_string(p) + "/cmdline", 4096).value_or("");
    for (auto& ch : cmd)
      if (ch == '\0') ch = ' ';
    std::printf("%-8d %s\n", p, cmd.c_str());
  }
  return 0;
}
}  // namespace

const Verb& ps_verb() {
  static const Verb v{"ps",
                      "list the processes of a container",
                      "ps [--format table|json] ID",
                      {{"format", {"f"}, true, "FORMAT  table, or json (an array of host pids)"}},
                      run};
  return v;
}
}  // namespace mcrun::cli
