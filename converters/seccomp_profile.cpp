#include "converters/seccomp_profile.hpp"

#include <algorithm>

#include "spec/json_reader.hpp"

namespace mcrun::converters {
namespace {

using spec::ObjectReader;
using spec::Problems;

// This machine's names for its architecture, in archMap and in "arches".
bool native_arch(const std::string& a) {
  return a == "SCMP_ARCH_X86_64" || a == "amd64" || a == "x86_64";
}

bool has_cap(const std::optional<std::vector<std::string>>& caps, const std::string& cap) {
  return !caps || std::find(caps->begin(), caps->end(), cap) != caps->end();
}

// includes/excludes: {"arches": [...], "caps": [...]}. Returns whether the
// filter matches this container (each listed criterion must hold).
bool filter_matches(ObjectReader& r, const std::optional<std::vector<std::string>>& caps) {
  bool match = true;
  if (auto arches = r.strings("arches"))
    match = std::any_of(arches->begin(), arches->end(), native_arch);
  if (auto wanted = r.strings("caps"))
    match = match && std::all_of(wanted->begin(), wanted->end(),
                                 [&](const std::string& c) { return has_cap(caps, c); });
  (void)r.string("minKernel");
  return match;
}

spec::SeccompSyscall read_rule(ObjectReader& sr, const std::string& ptr, Problems& p) {
  spec::SeccompSyscall rule;
  rule.names = sr.strings("names", true).value_or(std::vector<std::string>{});
  rule.action = sr.string("action", true).value_or("");
  if (auto e = sr.u32("errnoRet")) rule.errno_ret = *e;
  if (const Json* args = sr.array("args")) {
    for (size_t k = 0; k < args->size(); ++k) {
      ObjectReader ar((*args)[k], spec::child_pointer(ptr + "/args", k), p);
      spec::SeccompArg a;
      a.index = ar.u32("index", true).value_or(0);
      a.value = ar.u64("value", true).value_or(0);
      if (auto v2 = ar.u64("valueTwo"); v2 && *v2 != 0) a.value_two = *v2;
      a.op = ar.string("op", true).value_or("");
      rule.args.push_back(a);
    }
  }
  (void)sr.string("comment");
  return rule;
}

}  // namespace

Result<spec::Seccomp> seccomp_from_profile(const Json& profile,
                                           const std::optional<std::vector<std::string>>& caps,
                                           std::string_view name) {
  Problems p;
  ObjectReader r(profile, "", p);
  spec::Seccomp s;
  s.default_action = r.string("defaultAction", true).value_or("");
  if (const Json* map = r.array("archMap")) {
    for (size_t i = 0; i < map->size(); ++i) {
      ObjectReader mr((*map)[i], spec::child_pointer("/archMap", i), p);
      auto arch = mr.string("architecture", true).value_or("");
      auto subs = mr.strings("subArchitectures").value_or(std::vector<std::string>{});
      // Only this machine's entry: the filter is for it (as Mesos's agent).
      if (!native_arch(arch)) continue;
      s.architectures.push_back(arch);
      s.architectures.insert(s.architectures.end(), subs.begin(), subs.end());
    }
  }
  if (const Json* list = r.array("syscalls", true)) {
    for (size_t i = 0; i < list->size(); ++i) {
      std::string ptr = spec::child_pointer("/syscalls", i);
      ObjectReader sr((*list)[i], ptr, p);
      bool keep = true;
      if (const Json* inc = sr.object("includes")) {
        ObjectReader ir(*inc, ptr + "/includes", p);
        keep = filter_matches(ir, caps);
      }
      if (const Json* exc = sr.object("excludes")) {
        ObjectReader er(*exc, ptr + "/excludes", p);
        bool any = exc->contains("arches") || exc->contains("caps");
        keep = keep && !(any && filter_matches(er, caps));
      }
      auto rule = read_rule(sr, ptr, p);
      if (keep) s.syscalls.push_back(std::move(rule));
    }
  }
  if (!p.empty()) return fail(spec::format_problems(name, p));
  return s;
}

}  // namespace mcrun::converters
