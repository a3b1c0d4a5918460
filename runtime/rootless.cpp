#include "runtime/rootless.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "runtime/state_store.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {}  // namespace

bool detect_rootless() {
  if (::geteuid() != 0) return true;
  auto map = sys::read_file("/proc/self/uid_map");
  if (!map) return false;
  std::istringstream in(*map);
  uint64_t inside = 1, outside = 1, count = 0;
  in >> inside >> outside >> count;
  return !(inside == 0 && outside == 0 && count == 4294967295u);
}

Result<bool> parse_rootless(const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  if (value == "auto" || value.empty()) return detect_rootless();
  return fail("--rootless: " + quote(value) + " is not true, false or auto");
}

Result<std::string> default_state_root(bool rootless) {
  if (!rootless) return std::string(kDefaultStateRoot);
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && xdg[0] == '/')
    return std::string(xdg) + "/mcrun";
  std::string user_dir = "/run/user/" + std::to_string(::geteuid());
  struct stat st;
  if (::stat(user_dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid())
    return user_dir + "/mcrun";
  if (::geteuid() == 0) return std::string(kDefaultStateRoot);  // root of a user namespace
  return fail("rootless: no directory for the state: set XDG_RUNTIME_DIR or pass --root DIR");
}

bool rootless_wants_cgroup(const spec::Config& c) { return c.linux && c.linux->cgroups_path; }

}  // namespace mcrun::runtime
