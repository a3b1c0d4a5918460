#include "runtime/mount/path_in_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>

#include <cerrno>
#include <vector>

#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {

constexpr uint64_t kResolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    if (end > pos && path.compare(pos, end - pos, ".") != 0)
      out.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::string relative(const std::string& path) {
  size_t start = path.find_first_not_of('/');
  return start == std::string::npos ? "." : path.substr(start);
}

}  // namespace

Result<sys::UniqueFd> open_in_root(int root_fd, const std::string& path) {
  auto fd = sys::openat2(root_fd, relative(path).c_str(), O_PATH, 0, kResolve);
  if (!fd) return std::unexpected(Error{fd.error().code, "open " + quote(path) + " in the rootfs"});
  return fd;
}

Result<sys::UniqueFd> open_or_create_in_root(int root_fd, const std::string& path, Create what) {
  auto found = open_in_root(root_fd, path);
  if (found || found.error().code != ENOENT || what == Create::No) return found;

  // Walk down from the root: each prefix is re-resolved in-root (so a symlink
  // met on the way is followed inside the rootfs), and a missing component is
  // created under the fd of its resolved parent.
  auto parts = components(path);
  auto cur = sys::openat2(root_fd, ".", O_PATH, 0, kResolve);
  if (!cur) return std::unexpected(cur.error());
  std::string prefix;
  for (size_t i = 0; i < parts.size(); ++i) {
    // ".." needs no care here: every prefix is resolved with RESOLVE_IN_ROOT,
    // which clamps it at the root, and ".." always exists, so it is never created.
    prefix += "/" + parts[i];
    auto next = open_in_root(root_fd, prefix);
    if (!next && next.error().code == ENOENT) {
      bool last = i + 1 == parts.size();
      if (last && what == Create::File) {
        int fd = ::openat(cur->get(), parts[i].c_str(),
                          O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
          return fail_errno("create " + quote(prefix) + " in the rootfs");
        sys::UniqueFd close_it(fd);
      } else if (::mkdirat(cur->get(), parts[i].c_str(), 0755) < 0 && errno != EEXIST) {
        return fail_errno("mkdir " + quote(prefix) + " in the rootfs");
      }
      next = open_in_root(root_fd, prefix);
    }
    if (!next) return std::unexpected(next.error());
    cur = std::move(next);
  }
  return cur;
}

}  // namespace mcrun::runtime
