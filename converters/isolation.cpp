#include "converters/isolation.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace mcrun::converters {
namespace {

std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(' '));
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

// Names Mesos accepts that need nothing beyond what mcrun always does:
// rlimits and capabilities from the ContainerInfo are applied, volume sources
// are read, POSIX isolators only report usage.
const std::set<std::string> kAlwaysOn = {
    "posix/cpu",        "posix/mem",           "posix/rlimits",   "linux/capabilities",
    "volume/host_path", "volume/sandbox_path", "filesystem/posix"};

}  // namespace

const std::vector<std::string>& known_isolators() {
  static const std::vector<std::string> k = {
      "filesystem/shared",  "filesystem/linux", "filesystem/posix",    "namespaces/pid",
      "namespaces/ipc",     "cgroups/cpu",      "cgroups/mem",         "cgroups/pids",
      "cgroups/all",        "posix/cpu",        "posix/mem",           "posix/rlimits",
      "linux/capabilities", "volume/host_path", "volume/sandbox_path", "disk/du"};
  return k;
}

Result<Isolation> parse_isolation(const std::string& list) {
  std::vector<std::string> tokens;
  for (size_t pos = 0; pos <= list.size();) {
    size_t end = std::min(list.find(',', pos), list.size());
    if (auto t = trim(list.substr(pos, end - pos)); !t.empty()) tokens.push_back(t);
    pos = end + 1;
  }
  std::set<std::string> names(tokens.begin(), tokens.end());
  if (names.size() != tokens.size()) {
    std::string shown;
    for (const auto& t : tokens) shown += (shown.empty() ? "" : ", ") + t;
    return fail("--isolation: Duplicate entries found in --isolation flag '[ " + shown + " ]'");
  }
  static const std::map<std::string, std::vector<std::string>> deprecated = {
      {"process", {"posix/cpu", "posix/mem"}},
      {"cgroups", {"cgroups/cpu", "cgroups/mem"}},
      {"posix/disk", {"disk/du"}}};
  for (const auto& [old, now] : deprecated)
    if (names.erase(old)) names.insert(now.begin(), now.end());
  if (std::count_if(names.begin(), names.end(),
                    [](const std::string& n) { return n.starts_with("filesystem/"); }) > 1)
    return fail("--isolation: Using multiple filesystem isolators simultaneously is disallowed");

  Isolation iso;
  for (const auto& name : names) {
    if (name == "filesystem/shared")
      iso.shared_fs = true;
    else if (name == "filesystem/linux")
      iso.linux_fs = true;
    else if (name == "namespaces/pid")
      iso.pid = true;
    else if (name == "namespaces/ipc")
      iso.ipc = true;
    else if (name == "cgroups/cpu")
      iso.cpu = true;
    else if (name == "cgroups/mem")
      iso.mem = true;
    else if (name == "cgroups/pids")
      iso.pids = true;
    else if (name == "cgroups/all")
      iso.cpu = iso.mem = iso.pids = true;
    else if (kAlwaysOn.contains(name))
      continue;
    else if (name == "disk/du")
      iso.disk = true;
    else {
      std::string known;
      for (const auto& k : known_isolators()) known += (known.empty() ? "" : ", ") + k;
      return fail("--isolation: unknown isolator \"" + name + "\" (known: " + known + ")");
    }
  }
  return iso;
}

}  // namespace mcrun::converters
