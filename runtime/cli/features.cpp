// mcrun features: what this runtime implements (runtime-spec features.md).
#include <cstdio>

#include "runtime/cli/args.hpp"
#include "runtime/mount/mount_plan.hpp"
#include "spec/config.hpp"
#include "spec/json.hpp"
#include "spec/names.hpp"

namespace mcrun::cli {
namespace {
Json names(std::span<const std::string_view> list) {
  Json a = Json::array();
  for (auto n : list) a.push_back(std::string(n));
  return a;
}

Result<int> run(const Globals&, const Args& args) {
  MCRUN_CHECK(expect_positionals(args, 0, features_verb().usage));
  Json hooks = Json::array();
  for (auto phase : spec::kHookPhases) hooks.push_back(spec::hook_phase_name(phase));
  Json namespaces = names(spec::namespace_types());
  Json f = {
      {"ociVersionMin", "1.0.0"},
      {"ociVersionMax", spec::kOciVersion},
      {"hooks", hooks},
      {"mountOptions", runtime::mount_option_names()},
      {"linux",
       {{"namespaces", namespaces},
        {"capabilities", names(spec::capability_names())},
        {"cgroup",
         {{"v1", true}, {"v2", true}, {"systemd", true}, {"systemdUser", true}, {"rdma", false}}},
        {"seccomp",
         {{"enabled", true},
          {"actions", names(spec::seccomp_actions())},
          {"operators", names(spec::seccomp_operators())},
          {"archs", names(spec::seccomp_arches())},
          {"knownFlags", names(spec::seccomp_flags())},
          {"supportedFlags", Json::array({"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                          "SECCOMP_FILTER_FLAG_SPEC_ALLOW"})}}},
        {"apparmor", {{"enabled", true}}},
        {"selinux", {{"enabled", true}}},
        {"intelRdt", {{"enabled", false}}},
        {"netDevices", {{"enabled", true}}},
        {"memoryPolicy",
         {{"modes", names(spec::memory_policy_modes())},
          {"flags", names(spec::memory_policy_flags())}}},
        {"mountExtensions", {{"idmap", {{"enabled", true}}}}}}},
      {"annotations", {{"io.github.mcrun.version", MCRUN_VERSION}}},
  };
  f["linux"]["seccomp"]["actions"].erase(f["linux"]["seccomp"]["actions"].end() -
                                         1);  // no SCMP_ACT_NOTIFY
  std::printf("%s\n", f.dump(2).c_str());
  return 0;
}
}  // namespace

const Verb& features_verb() {
  static const Verb v{
      "features", "print the features this runtime implements (JSON)", "features", {}, run};
  return v;
}
}  // namespace mcrun::cli
