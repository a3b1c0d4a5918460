#include "runtime/sealed_exe.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"

#ifndef MFD_EXEC
#define MFD_EXEC \
  0x0010U  // Linux 6.3: an executable memfd even where vm.memfd_noexec says otherwise
#endif

namespace mcrun::runtime {
namespace {

using sys::UniqueFd;

constexpr int kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
// Set across the re-exec: if the new image still is not sealed, fail instead
// of exec'ing forever.
constexpr const char* kMarker = "_MCRUN_SEALED_EXE";

bool is_sealed(int fd) {
  int seals = ::fcntl(fd, F_GET_SEALS);
  if (seals >= 0 && (seals & kSeals) == kSeals) return true;
  // A read-only mount: open(O_WRONLY) fails with EROFS for everyone, and a
  // container cannot remount a mount of a namespace it is not in.
  struct statvfs vfs;
  return ::fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

Result<UniqueFd> overlay_view(const std::string& exe) {
  size_t slash = exe.rfind('/');
  if (slash == std::string::npos)
    return fail("/proc/self/exe is not an absolute path: " + quote(exe));
  std::string dir = slash == 0 ? "/" : exe.substr(0, slash), name = exe.substr(slash + 1);
  // Kernels before 6.5 parse overlayfs options as one string split at ',';
  // ':' separates layers. A directory with either is left to the memfd copy.
  if (dir.find_first_of(",:\\") != std::string::npos)
    return fail("the binary's directory " + quote(dir) + " cannot be an overlayfs layer");
  auto fs = sys::fsopen("overlay");
  if (!fs) return std::unexpected(fs.error());
  // Without an upper layer overlayfs wants two lower ones, distinct and not
  // nested (the same directory twice is ELOOP). The second adds nothing we
  // open: the binary's directory is on top. /dev exists everywhere, and the
  // mount is nodev and reachable only through the binary's fd.
  MCRUN_CHECK(sys::fsconfig_set_string(fs->get(), "lowerdir", dir + ":/dev"));
  MCRUN_CHECK(sys::fsconfig_create(fs->get()));
  auto mnt = sys::fsmount(fs->get(), MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
  if (!mnt) return std::unexpected(mnt.error());
  // The open file keeps the detached mount alive; nothing else names it.
  return sys::open_at(mnt->get(), name, O_PATH | O_NOFOLLOW);
}

Result<UniqueFd> memfd_copy(int exe_fd) {
  int fd = ::memfd_create("mcrun", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) fd = ::memfd_create("mcrun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return fail_errno("memfd_create");
  UniqueFd copy(fd);
  auto st = sys::stat_fd(exe_fd);
  if (!st) return std::unexpected(st.error());
  for (off_t off = 0; off < st->st_size;) {
    ssize_t n = ::sendfile(copy.get(), exe_fd, &off, static_cast<size_t>(st->st_size - off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail_errno("copy /proc/self/exe into a memfd");
  }
  if (::fcntl(copy.get(), F_ADD_SEALS, kSeals) < 0)
    return fail_errno("seal the memfd copy of mcrun");
  return copy;
}

std::vector<char*> env_with_marker(char* const envp[]) {
  static std::string marker = std::string(kMarker) + "=1";
  std::vector<char*> env;
  for (char* const* e = envp; *e; ++e) env.push_back(*e);
  env.push_back(marker.data());
  env.push_back(nullptr);
  return env;
}

}  // namespace

bool self_exe_is_sealed() {
  auto self = sys::open_path("/proc/self/exe", O_RDONLY);
  return self && is_sealed(self->get());
}

Result<> reexec_sealed(char* const argv[], char* const envp[]) {
  auto self = sys::open_path("/proc/self/exe", O_RDONLY);
  if (!self) return std::unexpected(self.error());
  bool again = std::getenv(kMarker) != nullptr;
  ::unsetenv(kMarker);  // nothing mcrun starts should see it
  if (is_sealed(self->get())) return {};
  if (again) return fail("mcrun's own binary is still writable after re-executing it sealed");
  auto env = env_with_marker(envp);
  // MCRUN_TEST_SEAL=memfd: the tests' way to exercise the fallback.
  const char* force = std::getenv("MCRUN_TEST_SEAL");
  char path[4096];
  ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  std::string exe = n > 0 ? std::string(path, static_cast<size_t>(n)) : "";
  if (!(force && std::strcmp(force, "memfd") == 0) && !exe.empty() && !exe.ends_with(" (deleted)"))
    if (auto view = overlay_view(exe)) (void)sys::execve_fd(view->get(), argv, env.data());
  auto copy = memfd_copy(self->get());
  if (!copy)
    return std::unexpected(
        std::move(copy.error()).context("protect mcrun's binary (CVE-2019-5736)"));
  return std::unexpected(std::move(sys::execve_fd(copy->get(), argv, env.data()).error())
                             .context("protect mcrun's binary (CVE-2019-5736)"));
}

}  // namespace mcrun::runtime
