// Syscalls glibc 2.36 does not wrap. Only runtime/sys/raw.cpp calls syscall().
#pragma once

#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/types.h>

#include <cstdint>

#include "runtime/sys/fd.hpp"
#include "spec/error.hpp"

namespace mcrun::sys {

struct CloneResult {
  pid_t pid;      // 0 in the child
  UniqueFd pidfd; // parent only
};
// clone3 with CLONE_PIDFD and exit_signal SIGCHLD; fork-like (no new stack).
Result<CloneResult> clone3_fork(uint64_t flags);
Result<UniqueFd> pidfd_open(pid_t pid);
Result<> pidfd_send_signal(int pidfd, int sig);
// openat2 with the given resolve flags (RESOLVE_IN_ROOT, ...); O_CLOEXEC added.
Result<UniqueFd> openat2(int dirfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve);
Result<> pivot_root(const char* new_root, const char* put_old);
Result<UniqueFd> open_tree(int dirfd, const char* path, unsigned flags);
Result<> move_mount(int from_fd, int to_fd);  // both "" + EMPTY_PATH
Result<> mount_setattr(int dirfd, const char* path, unsigned flags, const mount_attr& attr);

}  // namespace mcrun::sys
