#include "runtime/sealed_view.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include <cerrno>

#ifndef __x86_64__
#include <unistd.h>
#endif

namespace mcrun::runtime::early {
namespace {

// A syscall without libc: returns the result or -errno. Elsewhere only
// runtime/cli/entry.cpp's x86-64 entry point runs before libc, so other
// architectures may use syscall(3).
long sys(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0) {
#ifdef __x86_64__
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                   : "rcx", "r11", "memory");
  return ret;
#else
  long ret = ::syscall(nr, a, b, c, d, e);
  return ret < 0 ? -errno : ret;
#endif
}

long ptr(const void* p) { return reinterpret_cast<long>(p); }

// Closes on scope exit. Not sys::UniqueFd: that one reports through libc.
struct RawFd {
  long fd;
  ~RawFd() {
    if (fd >= 0) sys(SYS_close, fd);
  }
  long release() {
    long f = fd;
    fd = -1;
    return f;
  }
};

bool equal(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

bool contains_any(const char* s, const char* end, const char* chars) {
  for (; s < end; ++s)
    for (const char* c = chars; *c; ++c)
      if (*s == *c) return true;
  return false;
}

// main.cpp's global flags that take a value (global_flags(), takes_value).
bool global_flag_takes_value(const char* name) {
  return equal(name, "root") || equal(name, "log") || equal(name, "log-format") ||
         equal(name, "rootless") || equal(name, "criu");
}

}  // namespace

int open_sealed_view(const char* exe) {
  const char* end = exe;
  const char* slash = nullptr;
  for (; *end; ++end)
    if (*end == '/') slash = end;
  if (!slash) return -EINVAL;
  // A binary replaced or removed since it started has no directory to show.
  static constexpr char kDeleted[] = " (deleted)";
  constexpr long kDeletedLen = sizeof kDeleted - 1;
  if (end - exe >= kDeletedLen && equal(end - kDeletedLen, kDeleted)) return -ENOENT;
  // Kernels before 6.5 split overlayfs options at ',' and layers at ':'.
  if (contains_any(exe, slash, ",:\\")) return -EINVAL;
  if (slash - exe >= 4096) return -ENAMETOOLONG;
  // Without an upper layer overlayfs wants two lower ones, distinct and not
  // nested (the same directory twice is ELOOP). The second adds nothing we
  // open: the binary's directory is on top. /dev exists everywhere, and the
  // mount is nodev and reachable only through the binary's fd.
  char lowerdir[4096 + 8];
  long n = 0;
  if (slash == exe) lowerdir[n++] = '/';
  for (const char* c = exe; c < slash; ++c) lowerdir[n++] = *c;
  for (const char* c = ":/dev"; *c; ++c) lowerdir[n++] = *c;
  lowerdir[n] = '\0';

  RawFd fs{sys(SYS_fsopen, ptr("overlay"), FSOPEN_CLOEXEC)};
  if (fs.fd < 0) return static_cast<int>(fs.fd);
  long r = sys(SYS_fsconfig, fs.fd, FSCONFIG_SET_STRING, ptr("lowerdir"), ptr(lowerdir), 0);
  if (r == 0) r = sys(SYS_fsconfig, fs.fd, FSCONFIG_CMD_CREATE, 0, 0, 0);
  if (r < 0) return static_cast<int>(r);
  RawFd mnt{sys(SYS_fsmount, fs.fd, FSMOUNT_CLOEXEC,
                MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID)};
  if (mnt.fd < 0) return static_cast<int>(mnt.fd);
  // The open file keeps the detached mount alive; nothing else names it.
  RawFd view{sys(SYS_openat, mnt.fd, ptr(slash + 1), O_PATH | O_NOFOLLOW | O_CLOEXEC)};
  if (view.fd < 0) return static_cast<int>(view.fd);
  if (!fd_is_sealed(static_cast<int>(view.fd))) return -EROFS;
  return static_cast<int>(view.release());
}

bool fd_is_sealed(int fd) {
  long seals = sys(SYS_fcntl, fd, F_GET_SEALS);
  if (seals >= 0 && (seals & kWriteSeals) == kWriteSeals) return true;
  // A read-only mount: open(O_WRONLY) fails with EROFS for everyone, and a
  // container cannot remount a mount of a namespace it is not in (the
  // overlay view is in none at all).
  struct statfs st;
  return sys(SYS_fstatfs, fd, ptr(&st)) == 0 && (st.f_flags & ST_RDONLY);
}

bool argv_seals(int argc, char* const argv[]) {
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (a[0] == '-' && a[1] != '\0') {
      const char* name = a + (a[1] == '-' ? 2 : 1);
      bool inline_value = false;
      for (const char* c = name; *c; ++c) inline_value = inline_value || *c == '=';
      if (!inline_value && global_flag_takes_value(name)) ++i;
      continue;
    }
    return equal(a, "create") || equal(a, "run") || equal(a, "exec");
  }
  return false;
}

bool env_forces_memfd(char* const envp[]) {
  for (char* const* e = envp; *e; ++e)
    if (equal(*e, "MCRUN_TEST_SEAL=memfd")) return true;
  return false;
}

void exec_own_view(char* const argv[], char* const envp[]) {
  char exe[4096];
  long n = sys(SYS_readlink, ptr("/proc/self/exe"), ptr(exe), sizeof exe - 1);
  if (n <= 0) return;
  exe[n] = '\0';
  RawFd view{open_sealed_view(exe)};
  if (view.fd >= 0) sys(SYS_execveat, view.fd, ptr(""), ptr(argv), ptr(envp), AT_EMPTY_PATH);
}

void exec_sealed_view(int argc, char* const argv[], char* const envp[]) {
  if (!argv_seals(argc, argv) || env_forces_memfd(envp)) return;
  RawFd self{sys(SYS_openat, AT_FDCWD, ptr("/proc/self/exe"), O_RDONLY | O_CLOEXEC)};
  // Already sealed: the re-executed image, or a binary on a read-only mount.
  // The view is sealed (open_sealed_view checks), so the new image returns
  // here instead of exec'ing again.
  if (self.fd < 0 || fd_is_sealed(static_cast<int>(self.fd))) return;
  exec_own_view(argv, envp);
}

}  // namespace mcrun::runtime::early
