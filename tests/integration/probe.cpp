// What busybox cannot show, printed from inside a container for the
// integration tests (a static executable copied into the test rootfs).
//
//   probe mempolicy     the calling process's NUMA memory policy, as
//                       get_mempolicy(2) gives it: "mode M nodes 0xMASK"
//                       (M with its MPOL_F_* flags).
//   probe without-cap N PROGRAM ARGS...
//                       PROGRAM run with capability N dropped from the
//                       bounding set (a restricted host's root; util-linux's
//                       setpriv is not in the cgroup v2 VM's guest).
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

int print_mempolicy() {
  int mode = -1;
  unsigned long mask[16] = {};  // 1024 nodes
  if (::syscall(SYS_get_mempolicy, &mode, mask, sizeof mask * 8, nullptr, 0) < 0) {
    std::perror("get_mempolicy");
    return 1;
  }
  std::printf("mode %d nodes 0x%lx\n", mode, mask[0]);
  return 0;
}

int without_cap(int cap, char** argv) {
  if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
    std::perror("PR_CAPBSET_DROP");
    return 1;
  }
  ::execv(argv[0], argv);
  std::perror(argv[0]);
  return 127;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "mempolicy") == 0) return print_mempolicy();
  if (argc >= 4 && std::strcmp(argv[1], "without-cap") == 0)
    return without_cap(std::atoi(argv[2]), argv + 3);
  std::fprintf(stderr, "usage: probe mempolicy | probe without-cap N PROGRAM ARGS...\n");
  return 2;
}
