// mcrun spec: write a default config.json, like `runc spec`.
#include <fcntl.h>
#include <unistd.h>

#include "runtime/cli/args.hpp"
#include "runtime/sys/syscalls.hpp"
#include "spec/config.hpp"

namespace mcrun::cli {
namespace {
Result<int> run(const Globals&, const Args& args) {
  MCRUN_CHECK(expect_positionals(args, 0, spec_verb().usage));
  std::string path = args.value("bundle", ".") + "/config.json";
  if (::access(path.c_str(), F_OK) == 0)
    return fail("file " + quote(path) + " exists; remove it first");
  std::string text = spec::emit_config(spec::default_config()).dump(2) + "\n";
  MCRUN_CHECK(sys::write_file(path, text, 0644));
  return 0;
}
}  // namespace

const Verb& spec_verb() {
  static const Verb v{"spec",
                      "write a default config.json (busybox-friendly, rootfs \"rootfs\")",
                      "spec [--bundle DIR]",
                      {{"bundle", {"b"}, true, "DIR  where to write config.json (default: .)"}},
                      run};
  return v;
}
}  // namespace mcrun::cli
