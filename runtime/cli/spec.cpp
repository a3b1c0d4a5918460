// mcrun spec: write a default config.json, like `runc spec`.
#include <fcntl.h>
#include <unistd.h>

#include "runtime/cli/args.hpp"
#include "runtime/sys/syscalls.hpp"
#include "spec/config.hpp"
#include "spec/json.hpp"

namespace mcrun::cli {
namespace {
Result<int> run(const Globals&, const Args& args) {
  MCRUN_CHECK(expect_positionals(args, 0, spec_verb().usage));
  std::string path = args.value("bundle", ".") + "/config.json";
  if (::access(path.c_str(), F_OK) == 0)
    return fail("file " + quote(path) + " exists; remove it first");
  spec::Config c = spec::default_config();
  if (args.has("rootless")) spec::make_rootless(c, ::geteuid(), ::getegid());
  std::string text = spec::emit_config(c).dump(2) + "\n";
  MCRUN_CHECK(sys::write_file(path, text, 0644));
  return 0;
}
}  // namespace

const Verb& spec_verb() {
  static const Verb v{"spec",
                      "write a default config.json (busybox-friendly, rootfs \"rootfs\")",
                      "spec [--bundle DIR] [--rootless]",
                      {{"bundle", {"b"}, true, "DIR  where to write config.json (default: .)"},
                       {"rootless",
                        {},
                        false,
                        "for an unprivileged user: a user namespace mapping root to you, no "
                        "network namespace, /sys bound, no cgroup limits"}},
                      run};
  return v;
}
}  // namespace mcrun::cli
