#include "runtime/pid_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {

std::string random_suffix() {
  unsigned char bytes[8] = {};
  (void)!::getrandom(bytes, sizeof bytes, 0);
  char hex[17];
  for (int i = 0; i < 8; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  return hex;
}

}  // namespace

Result<> write_pid_file(const std::string& path, pid_t pid) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty()) return fail("--pid-file: " + quote(path) + " names a directory");
  auto dir_fd = sys::open_path(dir, O_PATH | O_DIRECTORY);
  if (!dir_fd) return std::unexpected(std::move(dir_fd.error()).context("--pid-file"));
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string tmp = "." + name + "." + random_suffix();
    auto fd = sys::open_at(dir_fd->get(), tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    if (!fd) {
      if (fd.error().code == EEXIST) continue;
      return std::unexpected(std::move(fd.error()).context("--pid-file"));
    }
    auto written = sys::write_all(fd->get(), std::to_string(pid));
    if (written && ::fchmod(fd->get(), 0644) < 0) written = fail_errno("chmod");
    if (written && ::renameat(dir_fd->get(), tmp.c_str(), dir_fd->get(), name.c_str()) < 0)
      written = fail_errno("rename to " + quote(path));
    if (!written) {
      (void)sys::unlink_at(dir_fd->get(), tmp);
      return std::unexpected(std::move(written.error()).context("--pid-file"));
    }
    return {};
  }
  return fail("--pid-file: could not create a temporary file next to " + quote(path), EEXIST);
}

}  // namespace mcrun::runtime
