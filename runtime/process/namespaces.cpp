#include "runtime/process/namespaces.hpp"

#include <sys/stat.h>

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

bool is_runtime_namespace(const std::string& type, const std::string& path) {
  const char* name = proc_ns_name(type);
  return name && same_namespace(path, std::string("/proc/self/ns/") + name);
}

}  // namespace mcrun::runtime
