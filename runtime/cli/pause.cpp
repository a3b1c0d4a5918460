// mcrun pause: freeze every process of a container (its cgroup).
#include "runtime/cli/args.hpp"
#include "runtime/container.hpp"

namespace mcrun::cli {
namespace {
Result<int> pause(const Globals& g, const Args& args) {
  MCRUN_CHECK(expect_positionals(args, 1, pause_verb().usage));
  MCRUN_CHECK_CTX(runtime::pause_container(g.root, args.positionals()[0], true),
                  "pause " + args.positionals()[0]);
  return 0;
}
}  // namespace

const Verb& pause_verb() {
  static const Verb v{
      "pause", "freeze every process of a container (cgroup freezer)", "pause ID", {}, pause};
  return v;
}
}  // namespace mcrun::cli
