// mcrun ps: the container's processes. json: host pids (what containerd
// reads); table: ps(1)'s own output (`-ef`, or the options after the ID),
// the header and the container's lines only, as `runc ps ID [ps options]`.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "runtime/cli/args.hpp"
#include "runtime/container.hpp"
#include "runtime/sys/run_program.hpp"
#include "runtime/sys/syscalls.hpp"
#include "spec/json.hpp"

namespace mcrun::cli {
namespace {

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while ((pos = line.find_first_not_of(" \t", pos)) != std::string_view::npos) {
    size_t end = std::min(line.find_first_of(" \t", pos), line.size());
    out.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

Result<std::string> ps_program() {
  for (const char* p : {"/usr/bin/ps", "/bin/ps"})
    if (::access(p, X_OK) == 0) return std::string(p);
  return fail(
      "ps: the table comes from ps(1), which is not installed (Debian's procps); "
      "--format json lists the pids without it",
      ENOENT);
}

// ps's header, then its lines whose PID column is one of pids.
Result<std::string> filter_ps_output(const std::string& output, const std::vector<pid_t>& pids) {
  std::string_view text = output;
  size_t eol = std::min(text.find('\n'), text.size());
  auto header = fields(text.substr(0, eol));
  auto column = std::find(header.begin(), header.end(), "PID");
  if (column == header.end()) return fail("ps: its output has no PID column");
  const size_t index = column - header.begin();
  std::string out = std::string(text.substr(0, eol)) + "\n";
  while (eol < text.size()) {
    size_t start = eol + 1;
    eol = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, eol - start);
    auto f = fields(line);
    if (f.size() <= index) continue;
    pid_t pid = static_cast<pid_t>(std::strtol(std::string(f[index]).c_str(), nullptr, 10));
    if (std::find(pids.begin(), pids.end(), pid) != pids.end()) out += std::string(line) + "\n";
  }
  return out;
}

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
  auto ps = ps_program();
  if (!ps) return std::unexpected(ps.error());
  std::vector<std::string> argv = {*ps};
  auto given = args.positionals().begin() + 1;
  if (given != args.positionals().end() && *given == "--") ++given;  // mcrun ps ID -- -o pid
  argv.insert(argv.end(), given, args.positionals().end());
  if (argv.size() == 1) argv.push_back("-ef");
  // All of it: the container's lines may come last on a busy host.
  auto r = sys::run_program(argv, true, std::chrono::seconds(30), size_t{64} << 20);
  if (!r) return std::unexpected(r.error());
  if (r->status != 0) {
    std::string said = r->output.substr(0, r->output.find('\n'));
    return fail("ps exited with status " + std::to_string(sys::exit_code_of(r->status)) +
                (said.empty() ? "" : ": " + said));
  }
  auto table = filter_ps_output(r->output, *pids);
  if (!table) return std::unexpected(table.error());
  std::fputs(table->c_str(), stdout);
  return 0;
}
}  // namespace

const Verb& ps_verb() {
  static const Verb v{"ps",
                      "list the processes of a container",
                      "ps [--format table|json] ID [PS OPTIONS...]",
                      {{"format",
                        {"f"},
                        true,
                        "FORMAT  table (ps -ef, or the ps options given, the container's "
                        "lines only), or json (an array of host pids)"}},
                      run};
  return v;
}
}  // namespace mcrun::cli
