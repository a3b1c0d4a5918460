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
//   probe session-key DESC
//                       the payload of the "user" key DESC found from the
//                       session keyring, or "no key: ERRNO"
#include <linux/keyctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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

int print_session_key(const char* description) {
  long key = ::syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "user", description, 0);
  char payload[256];
  long n = key < 0 ? -1 : ::syscall(SYS_keyctl, KEYCTL_READ, key, payload, sizeof payload - 1);
  if (n < 0) {
    std::printf("no key: %s\n", std::strerror(errno));
    return 0;
  }
  payload[std::min<long>(n, sizeof payload - 1)] = '\0';
  std::printf("key: %s\n", payload);
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
  if (argc == 3 && std::strcmp(argv[1], "session-key") == 0) return print_session_key(argv[2]);
  if (argc >= 4 && std::strcmp(argv[1], "without-cap") == 0)
    return without_cap(std::atoi(argv[2]), argv + 3);
  std::fprintf(stderr,
               "usage: probe mempolicy | probe session-key DESC | probe without-cap N PROGRAM "
               "ARGS...\n");
  return 2;
}
