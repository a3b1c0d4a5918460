// mcrun kill: send a signal to the container's init (or to all its processes).
#include "runtime/cli/args.hpp"
#include "runtime/container.hpp"
#include "runtime/signal_name.hpp"

namespace mcrun::cli {
namespace {
Result<int> run(const Globals& g, const Args& args) {
  const auto& pos = args.positionals();
  if (pos.empty() || pos.size() > 2)
    return fail("expected ID [SIGNAL] (usage: mcrun " + kill_verb().usage + ")");
  auto sig = runtime::parse_signal(pos.size() == 2 ? pos[1] : "TERM");
  if (!sig) return std::unexpected(sig.error());
  MCRUN_CHECK_CTX(runtime::kill_container(g.root, pos[0], *sig, args.has("all")), "kill " + pos[0]);
  return 0;
}
}  // namespace

const Verb& kill_verb() {
  static const Verb v{
      "kill",
      "send a signal (default TERM; 9, KILL or SIGKILL) to a container",
      "kill [--all] ID [SIGNAL]",
      {{"all", {"a"}, false, "signal every process of the container, not just its init"}},
      run};
  return v;
}
}  // namespace mcrun::cli
