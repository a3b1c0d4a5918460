#include "runtime/process/namespaces.hpp"

#include <sys/stat.h>

#include "spec/json_reader.hpp"

namespace mcrun::runtime {
namespace {

const char* proc_ns_name(std::string_view type) {
  if (type == "network") return "net";
  if (type == "ipc") return "ipc";
  if (type == "uts") return "uts";
  return nullptr;
}

bool same_namespace(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

}  // namespace

Result<> check_sysctl_namespaces(const spec::Config& c) {
  if (!c.linux) return {};
  spec::Problems problems;
  for (const auto& [key, value] : c.linux->sysctl) {
    auto type = spec::sysctl_namespace(key);
    const spec::Namespace* ns = type ? c.linux->find_namespace(*type) : nullptr;
    const char* name = type ? proc_ns_name(*type) : nullptr;
    if (!ns || !ns->path || !name) continue;
    if (same_namespace(*ns->path, std::string("/proc/self/ns/") + name))
      problems.push_back(
          {spec::child_pointer("/linux/sysctl", key),
           "not allowed in the host's " + *type + " namespace (" + quote(*ns->path) + " is ours)"});
  }
  if (!problems.empty()) return fail(spec::format_problems("config.json", problems));
  return {};
}

}  // namespace mcrun::runtime
