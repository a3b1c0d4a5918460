#include "runtime/mount/copy_up.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "runtime/sys/fd.hpp"

namespace mcrun::runtime {
namespace {

using sys::UniqueFd;

// Deeper than any real image directory; a bound on the recursion.
constexpr int kMaxDepth = 128;

Result<std::vector<std::string>> names_in(int dir) {
  // fdopendir takes ownership of the fd it is given: give it a duplicate.
  int dup = ::fcntl(dir, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return fail_errno("dup");
  DIR* d = ::fdopendir(dup);
  if (!d) {
    UniqueFd close_it(dup);
    return fail_errno("fdopendir");
  }
  ::rewinddir(d);
  std::vector<std::string> names;
  errno = 0;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  int err = errno;
  ::closedir(d);
  if (err) return fail("readdir", err);
  return names;
}

Result<> copy_file(int src_dir, int dst_dir, const std::string& name, const struct stat& st) {
  int in = ::openat(src_dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0) return fail_errno("open " + quote(name));
  UniqueFd src(in);
  int out = ::openat(dst_dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     st.st_mode & 07777);
  if (out < 0) return fail_errno("create " + quote(name));
  UniqueFd dst(out);
  for (off_t left = st.st_size; left > 0;) {
    ssize_t n = ::sendfile(dst.get(), src.get(), nullptr, static_cast<size_t>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno("copy " + quote(name));
    if (n == 0) break;  // the file shrank meanwhile
    left -= n;
  }
  return {};
}

Result<> copy_entries(int src, int dst, int depth) {
  if (depth > kMaxDepth) return fail("directories nested too deep", ELOOP);
  auto names = names_in(src);
  if (!names) return std::unexpected(names.error());
  for (const auto& name : *names) {
    struct stat st;
    if (::fstatat(src, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
      return fail_errno("stat " + quote(name));
    const mode_t perm = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
      if (::mkdirat(dst, name.c_str(), perm) < 0) return fail_errno("mkdir " + quote(name));
      int s = ::openat(src, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (s < 0) return fail_errno("open " + quote(name));
      UniqueFd sub_src(s);
      int d = ::openat(dst, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (d < 0) return fail_errno("open " + quote(name));
      UniqueFd sub_dst(d);
      auto r = copy_entries(sub_src.get(), sub_dst.get(), depth + 1);
      if (!r) return std::unexpected(std::move(r.error()).context(name));
    } else if (S_ISREG(st.st_mode)) {
      MCRUN_CHECK(copy_file(src, dst, name, st));
    } else if (S_ISLNK(st.st_mode)) {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlinkat(src, name.c_str(), target.data(), target.size());
      if (n < 0) return fail_errno("readlink " + quote(name));
      target.resize(static_cast<size_t>(n));
      if (::symlinkat(target.c_str(), dst, name.c_str()) < 0)
        return fail_errno("symlink " + quote(name));
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) {
      if (::mknodat(dst, name.c_str(), st.st_mode, st.st_rdev) < 0)
        return fail_errno("mknod " + quote(name));
    } else {
      continue;  // a socket: meaningless without its listener
    }
    if (::fchownat(dst, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
      return fail_errno("chown " + quote(name));
    // chown clears set-uid/set-gid bits: put the mode back (not on symlinks,
    // whose mode means nothing and cannot be changed).
    if (!S_ISLNK(st.st_mode) && ::fchmodat(dst, name.c_str(), perm, 0) < 0)
      return fail_errno("chmod " + quote(name));
  }
  return {};
}

}  // namespace

Result<> copy_tree(int src, int dst) { return copy_entries(src, dst, 0); }

}  // namespace mcrun::runtime
