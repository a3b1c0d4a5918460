// mcrun list: the containers under the state root.
#include <cstdio>

#include "runtime/cli/args.hpp"
#include "runtime/container.hpp"
#include "runtime/state_store.hpp"
#include "spec/json.hpp"

namespace mcrun::cli {
namespace {
Result<int> run(const Globals& g, const Args& args) {
  MCRUN_CHECK(expect_positionals(args, 0, list_verb().usage));
  std::string format = args.value("format", "table");
  if (format != "table" && format != "json")
    return fail("--format must be table or json, not " + quote(format));
  if (args.has("quiet")) {  // the ids are the directories' names: no record is read
    auto ids = runtime::list_ids(g.root);
    if (!ids) return std::unexpected(ids.error());
    for (const auto& id : *ids) std::printf("%s\n", id.c_str());
    return 0;
  }
  auto states = runtime::list_containers(g.root);
  if (!states) return std::unexpected(states.error());
  if (format == "json") {
    Json a = Json::array();
    for (const auto& s : *states) a.push_back(spec::emit_state(s));
    std::printf("%s\n", a.dump().c_str());
    return 0;
  }
  std::printf("%-20s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
              "OWNER");
  for (const auto& s : *states)
    std::printf("%-20s %-8d %-10s %-40s %-32s %s\n", s.id.c_str(), s.pid,
                spec::status_name(s.status), s.bundle.c_str(), s.created.c_str(), s.owner.c_str());
  return 0;
}
}  // namespace

const Verb& list_verb() {
  static const Verb v{
      "list",
      "list containers",
      "list [--format table|json] [--quiet]",
      {{"format", {"f"}, true, "FORMAT  table or json"}, {"quiet", {"q"}, false, "ids only"}},
      run};
  return v;
}
}  // namespace mcrun::cli
