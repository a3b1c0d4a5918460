// mcrun delete: remove a stopped container (--force: any container).
#include "runtime/cli/args.hpp"
#include "runtime/container.hpp"

namespace mcrun::cli {
namespace {
Result<int> run(const Globals& g, const Args& args) {
  MCRUN_CHECK(expect_positionals(args, 1, delete_verb().usage));
  const std::string& id = args.positionals()[0];
  MCRUN_CHECK_CTX(runtime::delete_container(g.root, id, args.has("force")), "delete " + id);
  return 0;
}
}  // namespace

const Verb& delete_verb() {
  static const Verb v{
      "delete",
      "delete a stopped container and everything it holds",
      "delete [--force] ID",
      {{"force",
        {"f"},
        false,
        "kill a created or running container first; an unknown id is not an error"}},
      run};
  return v;
}
}  // namespace mcrun::cli
