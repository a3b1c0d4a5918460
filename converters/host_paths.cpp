#include "converters/host_paths.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <optional>

#include "runtime/sys/proc.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"
#include "spec/json_reader.hpp"

namespace mcrun::converters {
namespace {

using sys::UniqueFd;

std::string where(size_t volume, const std::string& role) {
  return spec::child_pointer("/volumes", volume) + "/" + role;
}

std::vector<std::string> parts(const std::string& relative) {
  std::vector<std::string> out;
  for (auto c : sys::split(relative, '/'))
    if (!c.empty()) out.emplace_back(c);
  return out;
}

// The mode and owner of what the container will see at container_path: on
// the host, or inside the image, resolved as if the image were "/" so that
// its symlinks cannot point at the host's directories.
Result<struct stat> stat_mode_source(const SandboxDir& d) {
  if (!d.rootfs) return sys::stat_at(AT_FDCWD, d.mode_from, 0);
  auto root = sys::open_path(*d.rootfs, O_PATH | O_DIRECTORY);
  if (!root) return std::unexpected(root.error());
  auto fd = sys::openat2(root->get(), d.mode_from.c_str(), O_PATH, 0,
                         RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (!fd) return std::unexpected(fd.error());
  return sys::stat_fd(fd->get());
}

// An entry on the way from the work dir to `relative` that exists and is not
// a directory (a symlink among them), or "".
std::string blocked_at(const std::string& work_dir, const std::string& relative) {
  std::string path = work_dir;
  for (const auto& c : parts(relative)) {
    path += "/" + c;
    struct stat st;
    if (::lstat(path.c_str(), &st) < 0) return "";  // missing from here on: it will be created
    if (!S_ISDIR(st.st_mode)) return path;
  }
  return "";
}

// One step down from `dir`, making the directory if it is missing. A symlink
// (or anything else that would leave `dir`) is refused by the kernel.
Result<UniqueFd> step_into(int dir, const std::string& name, bool create) {
  if (create && ::mkdirat(dir, name.c_str(), 0755) < 0 && errno != EEXIST)
    return fail_errno("mkdir " + quote(name));
  auto fd = sys::openat2(dir, name.c_str(), O_RDONLY | O_DIRECTORY, 0,
                         RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
  if (!fd && fd.error().code == ELOOP)
    return fail(quote(name) + " is a symlink: refusing to follow it", ELOOP);
  return fd;
}

}  // namespace

Result<std::vector<DirToMake>> check_host_paths(const Conversion& conv, const std::string& work_dir,
                                                std::string_view input_name) {
  spec::Problems p;
  for (const auto& r : conv.required) {
    struct stat st;
    if (::stat(r.path.c_str(), &st) < 0) {
      std::string what =
          r.role == "container_path"
              ? quote(r.path) + " does not exist on the host (the container shares its filesystem)"
              : quote(r.path) + " does not exist";
      p.push_back({where(r.volume, r.role), what + ": " + errno_name(errno)});
    } else if (r.must_be_shared) {
      char real[PATH_MAX];
      auto holder = ::realpath(r.path.c_str(), real) ? sys::mount_holding(real) : std::nullopt;
      if (!holder || !holder->shared)
        p.push_back(
            {where(r.volume, r.role), "cannot set up bidirectional mount propagation for " +
                                          quote(r.path) + ": it is not under a shared mount" +
                                          (holder ? " (" + quote(holder->mount_point) +
                                                        " is not shared: mount --make-shared it)"
                                                  : "")});
    }
  }
  std::vector<DirToMake> dirs;
  for (const auto& d : conv.sandbox_dirs) {
    DirToMake m;
    m.volume = d.volume;
    m.relative = d.relative;
    if (d.like_work_dir) {
      // Mesos's volume isolators: mkdir, then the sandbox's owner.
      struct stat ws;
      bool exists = ::stat(work_dir.c_str(), &ws) == 0;
      m.mode = 0755;
      m.uid = exists ? ws.st_uid : ::geteuid();
      m.gid = exists ? ws.st_gid : ::getegid();
    } else if (auto st = stat_mode_source(d)) {
      if (!S_ISDIR(st->st_mode)) {
        p.push_back(
            {where(d.volume, "container_path"), quote(d.mode_from) + " is not a directory"});
        continue;
      }
      m.mode = st->st_mode & 07777;
      m.uid = st->st_uid;
      m.gid = st->st_gid;
    } else if (!d.rootfs) {
      continue;  // already reported as a missing container_path
    }
    if (auto at = blocked_at(work_dir, d.relative); !at.empty()) {
      p.push_back(
          {where(d.volume, "host_path"),
           quote(at) +
               " exists and is not a directory (a symlink is never followed out of the work dir)"});
      continue;
    }
    dirs.push_back(std::move(m));
  }
  if (!p.empty()) return fail(spec::format_problems(input_name, p));
  return dirs;
}

Result<> make_sandbox_dirs(const std::string& work_dir, const std::vector<DirToMake>& dirs) {
  MCRUN_CHECK(sys::mkdir_p(work_dir, 0755));
  // The work dir itself is the operator's path; a symlink there would send
  // every sandbox directory somewhere else.
  auto top = sys::open_path(work_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (!top) {
    if (top.error().code == ELOOP || top.error().code == ENOTDIR)
      return fail("--work-dir " + quote(work_dir) +
                      " is a symlink (or not a directory): refusing to use it",
                  ELOOP);
    return std::unexpected(top.error());
  }
  for (const auto& d : dirs) {
    std::string ctx = "sandbox directory " + quote(work_dir + "/" + d.relative);
    UniqueFd cur;
    for (const auto& c : parts(d.relative)) {
      auto next = step_into(cur ? cur.get() : top->get(), c, true);
      if (!next) return std::unexpected(std::move(next.error()).context(ctx));
      cur = std::move(*next);
    }
    if (::fchmod(cur.get(), d.mode) < 0) return fail_errno(ctx + ": chmod");
    // Only root may give a directory away; others keep their own ownership.
    if (::geteuid() == 0 && ::fchown(cur.get(), d.uid, d.gid) < 0)
      return fail_errno(ctx + ": chown");
  }
  return {};
}

}  // namespace mcrun::converters
