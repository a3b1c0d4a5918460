#include "runtime/sys/syscalls.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

namespace mcrun::sys {

Result<UniqueFd> open_at(int dirfd, const std::string& path, int flags, mode_t mode) {
  int fd;
  do fd = ::openat(dirfd, path.c_str(), flags | O_CLOEXEC, mode);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return fail_errno("open " + quote(path));
  return UniqueFd(fd);
}

Result<UniqueFd> open_path(const std::string& path, int flags, mode_t mode) {
  return open_at(AT_FDCWD, path, flags, mode);
}

Result<> mkdir_at(int dirfd, const std::string& path, mode_t mode) {
  if (::mkdirat(dirfd, path.c_str(), mode) < 0) return fail_errno("mkdir " + quote(path));
  return {};
}

Result<> mkdir_p(const std::string& path, mode_t mode) {
  // Usually all there but the last level, or all of it: one mkdir then.
  if (::mkdir(path.c_str(), mode) == 0 || errno == EEXIST) return {};
  if (errno != ENOENT) return fail_errno("mkdir " + quote(path));
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string prefix = path.substr(0, pos);
    if (::mkdir(prefix.c_str(), mode) < 0 && errno != EEXIST)
      return fail_errno("mkdir " + quote(prefix));
  }
  return {};
}

Result<> unlink_at(int dirfd, const std::string& path, int flags) {
  if (::unlinkat(dirfd, path.c_str(), flags) < 0) return fail_errno("unlink " + quote(path));
  return {};
}

Result<struct stat> stat_at(int dirfd, const std::string& path, int flags) {
  struct stat st;
  if (::fstatat(dirfd, path.c_str(), &st, flags) < 0) return fail_errno("stat " + quote(path));
  return st;
}

Result<struct stat> stat_fd(int fd) {
  struct stat st;
  if (::fstat(fd, &st) < 0) return fail_errno("fstat");
  return st;
}

Result<uint64_t> mount_id(int dirfd, const std::string& path) {
  struct statx stx {};
  int flags = path.empty() ? AT_EMPTY_PATH : 0;
  if (::statx(dirfd, path.c_str(), flags, STATX_MNT_ID, &stx) < 0)
    return fail_errno("statx " + quote(path.empty() ? fd_path(dirfd) : path));
  if (!(stx.stx_mask & STATX_MNT_ID)) return fail("statx: no mount id", ENOSYS);
  return stx.stx_mnt_id;
}

Result<std::string> read_fd(int fd, size_t limit) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno("read");
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > limit)
      return fail("read: larger than " + std::to_string(limit) + " bytes", EFBIG);
  }
}

Result<std::string> read_generated(const std::string& path) {
  auto fd = open_path(path, O_RDONLY);
  if (!fd) return std::unexpected(fd.error());
  char buf[4096];
  ssize_t n;
  do n = ::read(fd->get(), buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  if (n < 0) return fail_errno("read " + quote(path));
  if (static_cast<size_t>(n) == sizeof buf)
    return fail("read " + quote(path) + ": too long", EFBIG);
  return std::string(buf, static_cast<size_t>(n));
}

Result<std::string> read_file(const std::string& path, size_t limit) {
  auto fd = open_path(path, O_RDONLY);
  if (!fd) return std::unexpected(fd.error());
  auto data = read_fd(fd->get(), limit);
  if (!data) return std::unexpected(std::move(data.error()).context(quote(path)));
  return data;
}

Result<> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno("write");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<> write_file(const std::string& path, std::string_view data, mode_t mode) {
  auto fd = open_path(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (!fd) return std::unexpected(fd.error());
  MCRUN_CHECK_CTX(write_all(fd->get(), data), quote(path));
  return {};
}

namespace {
// Named per writer: two writers of one name (the seccomp cache's) must not
// truncate each other's half-written file.
Result<std::string> write_temporary(int dirfd, const std::string& name, std::string_view data,
                                    mode_t mode) {
  std::string tmp = "." + name + "." + std::to_string(::getpid()) + ".tmp";
  auto fd = open_at(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (!fd) return std::unexpected(fd.error());
  if (auto written = write_all(fd->get(), data); !written) {
    ::unlinkat(dirfd, tmp.c_str(), 0);
    return std::unexpected(std::move(written.error()).context(quote(tmp)));
  }
  return tmp;
}

// Renames tmp over name; a temporary that cannot be renamed is removed so a
// failed write leaves nothing behind.
Result<> rename_temporary(int dirfd, const std::string& tmp, const std::string& name) {
  if (::renameat(dirfd, tmp.c_str(), dirfd, name.c_str()) == 0) return {};
  auto error = fail_errno("rename " + quote(tmp));
  ::unlinkat(dirfd, tmp.c_str(), 0);
  return error;
}
}  // namespace

Result<> write_file_atomic(int dirfd, const std::string& name, std::string_view data, mode_t mode) {
  auto tmp = write_temporary(dirfd, name, data, mode);
  if (!tmp) return std::unexpected(tmp.error());
  return rename_temporary(dirfd, *tmp, name);
}

Result<> replace_volatile_file(int dirfd, const std::string& name, std::string_view data) {
  auto tmp = write_temporary(dirfd, name, data, 0600);
  if (!tmp) return std::unexpected(tmp.error());
  if (::renameat2(dirfd, tmp->c_str(), dirfd, name.c_str(), RENAME_EXCHANGE) == 0) {
    if (::unlinkat(dirfd, tmp->c_str(), 0) < 0) return fail_errno("unlink " + quote(*tmp));
    return {};
  }
  // ENOENT: there is no old version yet; EINVAL: a filesystem that cannot
  // exchange. A plain rename then.
  if (errno != ENOENT && errno != EINVAL) return fail_errno("rename " + quote(*tmp));
  return rename_temporary(dirfd, *tmp, name);
}

Result<> mount(const char* source, const std::string& target, const char* fstype,
               unsigned long flags, const char* data) {
  if (::mount(source, target.c_str(), fstype, flags, data) < 0) {
    std::string what = "mount";
    if (fstype && *fstype) what += std::string(" ") + fstype;
    if (source && *source) what += " " + quote(source);
    what += " on " + quote(target);
    // What the filesystem itself parses: an option it does not know is EINVAL.
    if (data && *data) what += " with options " + quote(data);
    return fail_errno(what);
  }
  return {};
}

Result<> umount(const std::string& target, int flags) {
  if (::umount2(target.c_str(), flags) < 0) return fail_errno("umount " + quote(target));
  return {};
}

Result<> chdir(const std::string& path) {
  if (::chdir(path.c_str()) < 0) return fail_errno("chdir " + quote(path));
  return {};
}

Result<> fchdir(int fd) {
  if (::fchdir(fd) < 0) return fail_errno("fchdir");
  return {};
}

Result<> chroot(const std::string& path) {
  if (::chroot(path.c_str()) < 0) return fail_errno("chroot " + quote(path));
  return {};
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

Result<UniqueFd> socket(int domain, int type) {
  int fd = ::socket(domain, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail_errno("socket");
  return UniqueFd(fd);
}

Result<std::pair<UniqueFd, UniqueFd>> socketpair(int type) {
  int fds[2];
  if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) < 0) return fail_errno("socketpair");
  return std::pair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Result<std::pair<UniqueFd, UniqueFd>> pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return fail_errno("pipe2");
  return std::pair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Result<UniqueFd> connect_unix(const std::string& path, int type) {
  auto sock = socket(AF_UNIX, type);
  if (!sock) return sock;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    return fail("socket path too long: " + quote(path), ENAMETOOLONG);
  std::memcpy(addr.sun_path, path.data(), path.size());
  int rc;
  do rc = ::connect(sock->get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  while (rc < 0 && errno == EINTR);
  if (rc < 0) return fail_errno("connect to " + quote(path));
  return sock;
}

Result<> flock(int fd, int op) {
  int rc;
  do rc = ::flock(fd, op);
  while (rc < 0 && errno == EINTR);
  if (rc < 0) return fail_errno("flock");
  return {};
}

namespace {
Result<> remove_tree_at(int parent, const std::string& name, dev_t dev) {
  auto st = stat_at(parent, name, AT_SYMLINK_NOFOLLOW);
  if (!st) return st.error().code == ENOENT ? Result<>{} : std::unexpected(st.error());
  if (S_ISDIR(st->st_mode) && st->st_dev == dev) {
    auto fd = open_at(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (!fd) return std::unexpected(fd.error());
    DIR* dir = ::fdopendir(::fcntl(fd->get(), F_DUPFD_CLOEXEC, 0));
    if (!dir) return fail_errno("opendir " + quote(name));
    std::vector<std::string> names;
    while (dirent* e = ::readdir(dir)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(dir);
    for (const auto& n : names) MCRUN_CHECK(remove_tree_at(fd->get(), n, dev));
    return unlink_at(parent, name, AT_REMOVEDIR);
  }
  return unlink_at(parent, name);
}
}  // namespace

Result<> remove_tree(const std::string& path) {
  auto st = stat_at(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW);
  if (!st) return st.error().code == ENOENT ? Result<>{} : std::unexpected(st.error());
  return remove_tree_at(AT_FDCWD, path, st->st_dev);
}

Result<> close_fds_except(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned from = 3;
  for (int fd : keep) {
    if (fd < static_cast<int>(from)) continue;
    if (static_cast<unsigned>(fd) > from &&
        ::close_range(from, static_cast<unsigned>(fd) - 1, 0) < 0)
      return fail_errno("close_range");
    from = static_cast<unsigned>(fd) + 1;
  }
  if (::close_range(from, ~0U, 0) < 0) return fail_errno("close_range");
  return {};
}

Result<int> wait_pid(pid_t pid, int options) {
  int status = 0;
  pid_t r;
  do r = ::waitpid(pid, &status, options);
  while (r < 0 && errno == EINTR);
  if (r < 0) return fail_errno("waitpid " + std::to_string(pid));
  if (r == 0) return -1;  // WNOHANG and still running
  return status;
}

int exit_code_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 255;
}

std::string now_rfc3339() {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  // Calendar arithmetic, not gmtime_r: glibc's reads /etc/localtime (its
  // first call in a process runs tzset) even to tell UTC.
  using namespace std::chrono;
  const sys_seconds secs{seconds{ts.tv_sec}};
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lld.%09ldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                long(hms.minutes().count()), static_cast<long long>(hms.seconds().count()),
                ts.tv_nsec);
  return buf;
}

}  // namespace mcrun::sys
