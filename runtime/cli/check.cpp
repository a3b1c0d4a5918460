// mcrun check: validate a bundle and print every problem.
#include <cstdio>

#include "runtime/bundle.hpp"
#include "runtime/cli/args.hpp"
#include "runtime/mount/mount_plan.hpp"
#include "runtime/process/process_setup.hpp"
#include "runtime/warn.hpp"
#include "spec/create_rules.hpp"

namespace mcrun::cli {
namespace {
Result<int> run(const Globals&, const Args& args) {
  MCRUN_CHECK(expect_positionals(args, 0, check_verb().usage));
  auto bundle = runtime::load_bundle(args.value("bundle", "."));
  if (!bundle) return std::unexpected(bundle.error());
  auto plan = runtime::plan_mounts(bundle->config, bundle->dir);
  if (!plan) return std::unexpected(std::move(plan.error()).context("config.json"));
  // What create would run without, said as create says it.
  if (bundle->config.process) {
    spec::Process p = *bundle->config.process;
    for (const auto& w :
         runtime::drop_capabilities_not_grantable_here(p, bundle->config, "/process"))
      runtime::warn(spec::format_problems("config.json", {w}));
  }
  for (const auto& w : spec::warnings_for_create(bundle->config))
    runtime::warn(spec::format_problems("config.json", {w}));
  std::printf("%s: valid (rootfs %s)\n", bundle->dir.c_str(), bundle->rootfs.c_str());
  return 0;
}
}  // namespace

const Verb& check_verb() {
  static const Verb v{"check",
                      "validate a bundle's config.json and rootfs; print every problem",
                      "check [--bundle DIR]",
                      {{"bundle", {"b"}, true, "DIR  the bundle (default: .)"}},
                      run};
  return v;
}
}  // namespace mcrun::cli
