// Thin wrappers: one per syscall, each naming the call and its path in the
// error. Every fd comes back as a UniqueFd with O_CLOEXEC set. EINTR is retried.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/sys/fd.hpp"
#include "spec/error.hpp"

namespace mcrun::sys {

Result<UniqueFd> open_at(int dirfd, const std::string& path, int flags, mode_t mode = 0);
Result<UniqueFd> open_path(const std::string& path, int flags, mode_t mode = 0);  // AT_FDCWD
Result<> mkdir_at(int dirfd, const std::string& path, mode_t mode);
Result<> mkdir_p(const std::string& path, mode_t mode);  // host paths only (state root)
Result<> unlink_at(int dirfd, const std::string& path, int flags = 0);
Result<struct stat> stat_at(int dirfd, const std::string& path, int flags = 0);
Result<struct stat> stat_fd(int fd);
// The id of the mount a path (or, with "", the fd dirfd) is on (statx,
// Linux 5.8): the same id for two files means no mount lies between them.
Result<uint64_t> mount_id(int dirfd, const std::string& path);

Result<std::string> read_file(const std::string& path, size_t limit = 16 << 20);
Result<std::string> read_fd(int fd, size_t limit = 16 << 20);
// One read of at most 4095 bytes, for a small file the kernel generates
// whole at the first read (/proc/<pid>/stat, a cgroup's freezer.state):
// `list` reads two per container, and the read that would only say EOF
// is a syscall saved each.
Result<std::string> read_generated(const std::string& path);
Result<> write_all(int fd, std::string_view data);
Result<> write_file(const std::string& path, std::string_view data, mode_t mode = 0644);
// Write to ".<name>.<pid>.tmp" in the same directory, fsync-free rename
// over name: readers see the old or the new file, never half of one.
Result<> write_file_atomic(int dirfd, const std::string& name, std::string_view data,
                           mode_t mode = 0600);
// The same for a file that lives no longer than the machine's uptime (a
// container's state): the new version is swapped with the old one
// (RENAME_EXCHANGE) and the old one unlinked, where a rename over it would
// make ext4 write the new one back at once (auto_da_alloc, its guard for
// files replaced that way) and the removal free those blocks again.
Result<> replace_volatile_file(int dirfd, const std::string& name, std::string_view data);

// mount(2) with a message that names source, target and type.
Result<> mount(const char* source, const std::string& target, const char* fstype,
               unsigned long flags, const char* data);
Result<> umount(const std::string& target, int flags);
Result<> chdir(const std::string& path);
Result<> fchdir(int fd);
Result<> chroot(const std::string& path);

std::string fd_path(int fd);  // "/proc/self/fd/N": for mount(2) onto a resolved fd

Result<UniqueFd> socket(int domain, int type);
Result<std::pair<UniqueFd, UniqueFd>> socketpair(int type);
// pipe2(O_CLOEXEC): {read end, write end}.
Result<std::pair<UniqueFd, UniqueFd>> pipe();
// A unix socket of `type` connected to `path` (at most 107 bytes).
Result<UniqueFd> connect_unix(const std::string& path, int type);
Result<> flock(int fd, int op);  // op LOCK_EX / LOCK_SH (| LOCK_NB)

// Remove a directory tree that mcrun made (state dirs); does not cross mounts.
Result<> remove_tree(const std::string& path);

// Closes every descriptor from 3 up except those in `keep` (a process about to
// become visible in a container keeps no fd of the host's that it does not need).
Result<> close_fds_except(std::vector<int> keep);

// Wait for a child; returns the raw wait status.
Result<int> wait_pid(pid_t pid, int options = 0);

// Exit code as a shell reports it: status, or 128+signal.
int exit_code_of(int wait_status);

// Now as RFC 3339 UTC with nanoseconds, as runc writes "created" and logs.
std::string now_rfc3339();

}  // namespace mcrun::sys
