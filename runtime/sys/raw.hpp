// Syscalls glibc 2.36 does not wrap. Only runtime/sys/raw.cpp calls syscall().
#pragma once

#include <linux/bpf.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "runtime/sys/fd.hpp"
#include "spec/error.hpp"

namespace mcrun::sys {

struct CloneResult {
  pid_t pid;       // 0 in the child
  UniqueFd pidfd;  // parent only
};
// clone3 with CLONE_PIDFD and exit_signal SIGCHLD; fork-like (no new stack).
// With CLONE_PARENT the child is our parent's and signals it as we would.
// cgroup_fd >= 0: the child starts in that (v2) cgroup (CLONE_INTO_CGROUP),
// with no migration afterwards.
Result<CloneResult> clone3_fork(uint64_t flags, int cgroup_fd = -1);
// clone3_fork(0), or where a seccomp filter refuses clone3 (Docker's profile
// answers ENOSYS so that glibc falls back to clone) fork + pidfd_open.
Result<CloneResult> fork_with_pidfd();
Result<UniqueFd> pidfd_open(pid_t pid);
Result<> pidfd_send_signal(int pidfd, int sig);
// openat2 with the given resolve flags (RESOLVE_IN_ROOT, ...); O_CLOEXEC added.
Result<UniqueFd> openat2(int dirfd, const char* path, uint64_t flags, uint64_t mode,
                         uint64_t resolve);
Result<> pivot_root(const char* new_root, const char* put_old);
Result<UniqueFd> open_tree(int dirfd, const char* path, unsigned flags);
Result<> move_mount(int from_fd, int to_fd);  // both "" + EMPTY_PATH
Result<> mount_setattr(int dirfd, const char* path, unsigned flags, const mount_attr& attr);
// A new filesystem instance, detached (fsopen, fsconfig, fsmount): no path
// is looked up, and the mount exists only as the returned fd until it is
// moved or cloned somewhere. options are fsconfig's string keys and values;
// attrs MOUNT_ATTR_*.
Result<UniqueFd> fsmount_new(const char* fstype,
                             const std::vector<std::pair<std::string, std::string>>& options,
                             unsigned attrs);
// keyctl(2) KEYCTL_JOIN_SESSION_KEYRING: the keyring named `name` that this
// process may search, or else a new one of that name, becomes its session
// keyring; its serial.
Result<int32_t> join_session_keyring(const std::string& name);
// KEYCTL_SETPERM: possessor << 24 | user << 16 | group << 8 | other.
Result<> set_key_permissions(int32_t key, uint32_t permissions);
// bpf(2) for BPF_PROG_TYPE_CGROUP_DEVICE programs on a cgroup v2 directory.
// A refused program's error carries the verifier's log.
Result<UniqueFd> bpf_load_cgroup_device(const std::vector<bpf_insn>& insns);
Result<> bpf_attach_cgroup_device(int cgroup_fd, int prog_fd);  // BPF_F_ALLOW_MULTI
Result<std::vector<uint32_t>> bpf_query_cgroup_device(int cgroup_fd);
Result<UniqueFd> bpf_prog_fd_by_id(uint32_t id);
Result<> bpf_detach_cgroup_device(int cgroup_fd, int prog_fd);
// execveat(fd, "", argv, envp, AT_EMPTY_PATH): returns only on failure.
Result<> execve_fd(int fd, char* const argv[], char* const envp[]);

}  // namespace mcrun::sys
