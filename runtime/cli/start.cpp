// mcrun start: run the user process of a created container.
#include "runtime/cli/args.hpp"
#include "runtime/container.hpp"

namespace mcrun::cli {
namespace {
Result<int> run(const Globals& g, const Args& args) {
  MCRUN_CHECK(expect_positionals(args, 1, start_verb().usage));
  const std::string& id = args.positionals()[0];
  MCRUN_CHECK_CTX(runtime::start_container(g.root, id), "start " + id);
  return 0;
}
}  // namespace

const Verb& start_verb() {
  static const Verb v{
      "start", "start the user process of a created container", "start ID", {}, run};
  return v;
}
}  // namespace mcrun::cli
