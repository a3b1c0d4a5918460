// mcrun state: the container's state as JSON (runtime.md "State").
#include <cstdio>

#include "runtime/cli/args.hpp"
#include "runtime/container.hpp"
#include "spec/json.hpp"

namespace mcrun::cli {
namespace {
Result<int> run(const Globals& g, const Args& args) {
  MCRUN_CHECK(expect_positionals(args, 1, state_verb().usage));
  auto s = runtime::container_state(g.root, args.positionals()[0]);
  if (!s) return std::unexpected(s.error());
  std::printf("%s\n", spec::emit_state(*s).dump(2).c_str());
  return 0;
}
}  // namespace

const Verb& state_verb() {
  static const Verb v{"state", "print the state of a container as JSON", "state ID", {}, run};
  return v;
}
}  // namespace mcrun::cli
