// The bench's namespace, the same for every runtime: a private mount
// namespace without /sys/fs/cgroup/unified (crun 1.8 refuses this machine's
// hybrid cgroup layout while it is mounted), then the command. bench.py
// re-executes itself through it once, so no runtime call pays for it.
//
// It used to wrap every runtime call (unshare(1) + sh + umount(8) first,
// 5-6 ms, then this program, 2-3 ms): a constant added to all three that
// pulled each ratio toward 1.
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: same-ns PROGRAM [ARG...]\n");
    return 2;
  }
  if (::unshare(CLONE_NEWNS) < 0) {
    std::perror("same-ns: unshare");
    return 1;
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) {
    std::perror("same-ns: make / private");
    return 1;
  }
  // Not mounted (a pure cgroup v1 or v2 host): nothing to take away.
  if (::umount2("/sys/fs/cgroup/unified", 0) < 0 && errno != EINVAL && errno != ENOENT) {
    std::perror("same-ns: umount /sys/fs/cgroup/unified");
    return 1;
  }
  ::execvp(argv[1], argv + 1);
  std::perror("same-ns: exec");
  return 127;
}
