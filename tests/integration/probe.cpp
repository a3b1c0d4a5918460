// What busybox cannot show, printed from inside a container for the
// integration tests (a static executable copied into the test rootfs).
//
//   probe mempolicy     the calling process's NUMA memory policy, as
//                       get_mempolicy(2) gives it: "mode M nodes 0xMASK"
//                       (M with its MPOL_F_* flags).
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
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

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "mempolicy") == 0) return print_mempolicy();
  std::fprintf(stderr, "usage: probe mempolicy\n");
  return 2;
}
