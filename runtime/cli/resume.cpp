// mcrun resume: thaw a paused container.
#include "runtime/cli/args.hpp"
#include "runtime/container.hpp"

namespace mcrun::cli {
namespace {
Result<int> resume(const Globals& g, const Args& args) {
  MCRUN_CHECK(expect_positionals(args, 1, resume_verb().usage));
  MCRUN_CHECK_CTX(runtime::pause_container(g.root, args.positionals()[0], false),
                  "resume " + args.positionals()[0]);
  return 0;
}
}  // namespace

const Verb& resume_verb() {
  static const Verb v{"resume", "thaw a paused container", "resume ID", {}, resume};
  return v;
}
}  // namespace mcrun::cli
