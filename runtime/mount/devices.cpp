#include "runtime/mount/devices.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/mount/path_in_root.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {

std::pair<std::string, std::string> split(const std::string& path) {
  auto slash = path.rfind('/');
  return {path.substr(0, slash == 0 ? 1 : slash), path.substr(slash + 1)};
}

Result<> make_node(int root_fd, const std::string& path, mode_t type, mode_t perm, dev_t dev,
                   uid_t uid, gid_t gid) {
  auto [dir, name] = split(path);
  auto parent = open_or_create_in_root(root_fd, dir, Create::Directory);
  if (!parent) return std::unexpected(parent.error());
  // O_PATH dirfds work for mknodat; the name is a single component, so no
  // symlink can redirect it.
  if (::mknodat(parent->get(), name.c_str(), type | perm, dev) < 0) {
    if (errno == EEXIST) return {};
    if (errno != EPERM || type == S_IFIFO) return fail_errno("mknod " + quote(path));
    // No CAP_MKNOD here (user namespace): bind the host's node instead.
    auto file = ::openat(parent->get(), name.c_str(),
                         O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (file < 0 && errno != EEXIST) return fail_errno("create " + quote(path));
    sys::UniqueFd close_it(file);
    auto target = open_in_root(root_fd, path);
    if (!target) return std::unexpected(target.error());
    auto tree = sys::open_tree(AT_FDCWD, path.c_str(), OPEN_TREE_CLONE);
    if (!tree) return std::unexpected(tree.error());
    return sys::move_mount(tree->get(), target->get());
  }
  if (::fchownat(parent->get(), name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return fail_errno("chown " + quote(path));
  return {};
}

Result<> make_link(int root_fd, const std::string& target, const std::string& path) {
  auto [dir, name] = split(path);
  auto parent = open_in_root(root_fd, dir);
  if (!parent) return std::unexpected(parent.error());
  if (::symlinkat(target.c_str(), parent->get(), name.c_str()) < 0 && errno != EEXIST)
    return fail_errno("symlink " + quote(path));
  return {};
}

}  // namespace

Result<> populate_dev(int root_fd) {
  struct Node {
    const char* path;
    unsigned major, minor;
  };
  static constexpr Node kNodes[] = {{"/dev/null", 1, 3},    {"/dev/zero", 1, 5},
                                    {"/dev/full", 1, 7},    {"/dev/random", 1, 8},
                                    {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
  for (const auto& n : kNodes)
    MCRUN_CHECK(make_node(root_fd, n.path, S_IFCHR, 0666, makedev(n.major, n.minor), 0, 0));
  MCRUN_CHECK(make_link(root_fd, "/proc/self/fd", "/dev/fd"));
  MCRUN_CHECK(make_link(root_fd, "/proc/self/fd/0", "/dev/stdin"));
  MCRUN_CHECK(make_link(root_fd, "/proc/self/fd/1", "/dev/stdout"));
  MCRUN_CHECK(make_link(root_fd, "/proc/self/fd/2", "/dev/stderr"));
  // With a devpts "newinstance" at /dev/pts, /dev/ptmx must be its ptmx.
  if (open_in_root(root_fd, "/dev/pts/ptmx"))
    MCRUN_CHECK(make_link(root_fd, "pts/ptmx", "/dev/ptmx"));
  return {};
}

Result<> create_devices(int root_fd, const std::vector<spec::Device>& devices) {
  for (const auto& d : devices) {
    mode_t type = d.type == "b" ? S_IFBLK : d.type == "p" ? S_IFIFO : S_IFCHR;
    dev_t dev = d.type == "p" ? 0
                              : makedev(static_cast<unsigned>(d.major.value_or(0)),
                                        static_cast<unsigned>(d.minor.value_or(0)));
    MCRUN_CHECK(make_node(root_fd, d.path, type, d.file_mode.value_or(0666) & 07777, dev,
                          d.uid.value_or(0), d.gid.value_or(0)));
  }
  return {};
}

}  // namespace mcrun::runtime
