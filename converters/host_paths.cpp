#include "converters/host_paths.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "spec/json_reader.hpp"

namespace mcrun::converters {
namespace {

Result<> mkdir_p(const std::string& path) {
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string prefix = path.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0755) < 0 && errno != EEXIST) return fail_errno("mkdir " + quote(prefix));
  }
  struct stat st;
  if (::stat(path.c_str(), &st) < 0) return fail_errno("stat " + quote(path));
  if (!S_ISDIR(st.st_mode)) return fail(quote(path) + " exists and is not a directory", ENOTDIR);
  return {};
}

}  // namespace

Result<std::vector<DirToMake>> check_host_paths(const Conversion& conv, std::string_view input_name) {
  spec::Problems p;
  auto where = [](size_t volume, const std::string& role) {
    return spec::child_pointer("/volumes", volume) + "/" + role;
  };
  for (const auto& r : conv.required) {
    struct stat st;
    if (::stat(r.path.c_str(), &st) < 0) {
      std::string what = r.role == "container_path"
                             ? quote(r.path) + " does not exist on the host (the container shares its filesystem)"
                             : quote(r.path) + " does not exist";
      p.push_back({where(r.volume, r.role), what + ": " + errno_name(errno)});
    }
  }
  std::vector<DirToMake> dirs;
  for (const auto& d : conv.sandbox_dirs) {
    DirToMake m;
    m.path = d.path;
    struct stat st;
    if (::stat(d.mode_from.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) {
        p.push_back({where(d.volume, "container_path"), quote(d.mode_from) + " is not a directory"});
        continue;
      }
      m.mode = st.st_mode & 07777;
      m.uid = st.st_uid;
      m.gid = st.st_gid;
    } else if (d.mode_from_required) {
      continue;  // already reported as a missing container_path
    }
    struct stat existing;
    if (::lstat(d.path.c_str(), &existing) == 0 && !S_ISDIR(existing.st_mode)) {
      p.push_back({where(d.volume, "host_path"), quote(d.path) + " exists and is not a directory"});
      continue;
    }
    dirs.push_back(std::move(m));
  }
  if (!p.empty()) return fail(spec::format_problems(input_name, p));
  return dirs;
}

Result<> make_sandbox_dirs(const std::string& work_dir, const std::vector<DirToMake>& dirs) {
  MCRUN_CHECK(mkdir_p(work_dir));
  for (const auto& d : dirs) {
    MCRUN_CHECK(mkdir_p(d.path));
    if (::chmod(d.path.c_str(), d.mode) < 0) return fail_errno("chmod " + quote(d.path));
    // Only root may give a directory away; others keep their own ownership.
    if (::geteuid() == 0 && ::chown(d.path.c_str(), d.uid, d.gid) < 0) return fail_errno("chown " + quote(d.path));
  }
  return {};
}

}  // namespace mcrun::converters
