#include "runtime/sys/raw.hpp"

#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mcrun::sys {

Result<CloneResult> clone3_fork(uint64_t flags, int cgroup_fd) {
  int pidfd = -1;
  struct clone_args args;
  std::memset(&args, 0, sizeof args);
  args.flags = flags | CLONE_PIDFD;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(cgroup_fd);
  }
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  // With CLONE_PARENT the child takes our own exit signal; clone3 wants 0 then.
  args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
  long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0) return fail_errno("clone3");
  if (pid == 0) return CloneResult{0, UniqueFd()};
  return CloneResult{static_cast<pid_t>(pid), UniqueFd(pidfd)};  // pidfds are O_CLOEXEC
}

Result<CloneResult> fork_with_pidfd() {
  auto r = clone3_fork(0);
  if (r || (r.error().code != ENOSYS && r.error().code != EPERM)) return r;
  pid_t pid = ::fork();
  if (pid < 0) return fail_errno("fork");
  if (pid == 0) return CloneResult{0, UniqueFd()};
  auto fd = pidfd_open(pid);  // our child, not yet reaped: the pid is still its own
  if (!fd) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return std::unexpected(fd.error());
  }
  return CloneResult{pid, std::move(*fd)};
}

Result<UniqueFd> pidfd_open(pid_t pid) {
  long fd = ::syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) return fail_errno("pidfd_open " + std::to_string(pid));
  return UniqueFd(static_cast<int>(fd));
}

Result<> pidfd_send_signal(int pidfd, int sig) {
  if (::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0) < 0)
    return fail_errno("pidfd_send_signal " + std::to_string(sig));
  return {};
}

Result<UniqueFd> openat2(int dirfd, const char* path, uint64_t flags, uint64_t mode,
                         uint64_t resolve) {
  struct open_how how;
  std::memset(&how, 0, sizeof how);
  how.flags = flags | O_CLOEXEC;
  how.mode = mode;
  how.resolve = resolve;
  long fd;
  do fd = ::syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  while (fd < 0 &&
         (errno == EINTR || errno == EAGAIN));  // EAGAIN: a concurrent rename raced the walk
  if (fd < 0) return fail_errno("open " + quote(path));
  return UniqueFd(static_cast<int>(fd));
}

Result<> pivot_root(const char* new_root, const char* put_old) {
  if (::syscall(SYS_pivot_root, new_root, put_old) < 0) return fail_errno("pivot_root");
  return {};
}

Result<UniqueFd> open_tree(int dirfd, const char* path, unsigned flags) {
  long fd = ::syscall(SYS_open_tree, dirfd, path, flags | OPEN_TREE_CLOEXEC);
  if (fd < 0) return fail_errno("open_tree " + quote(path));
  return UniqueFd(static_cast<int>(fd));
}

Result<> move_mount(int from_fd, int to_fd) {
  if (::syscall(SYS_move_mount, from_fd, "", to_fd, "",
                MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return fail_errno("move_mount");
  return {};
}

Result<> mount_setattr(int dirfd, const char* path, unsigned flags, const mount_attr& attr) {
  if (::syscall(SYS_mount_setattr, dirfd, path, flags, &attr, sizeof attr) < 0)
    return fail_errno("mount_setattr " + quote(path));
  return {};
}

Result<UniqueFd> fsmount_new(const char* fstype,
                             const std::vector<std::pair<std::string, std::string>>& options,
                             unsigned attrs) {
  long fs = ::syscall(SYS_fsopen, fstype, FSOPEN_CLOEXEC);
  if (fs < 0) return fail_errno("fsopen " + quote(fstype));
  UniqueFd context(static_cast<int>(fs));
  for (const auto& [key, value] : options)
    if (::syscall(SYS_fsconfig, context.get(), FSCONFIG_SET_STRING, key.c_str(), value.c_str(), 0) <
        0)
      return fail_errno("fsconfig " + quote(fstype) + " " + key + "=" + value);
  if (::syscall(SYS_fsconfig, context.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
    return fail_errno("fsconfig " + quote(fstype) + " create");
  long mnt = ::syscall(SYS_fsmount, context.get(), FSMOUNT_CLOEXEC, attrs);
  if (mnt < 0) return fail_errno("fsmount " + quote(fstype));
  return UniqueFd(static_cast<int>(mnt));
}

Result<int32_t> join_session_keyring(const std::string& name) {
  long key = ::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name.c_str());
  if (key < 0) return fail_errno("join session keyring " + quote(name));
  return static_cast<int32_t>(key);
}

Result<> set_key_permissions(int32_t key, uint32_t permissions) {
  if (::syscall(SYS_keyctl, KEYCTL_SETPERM, key, permissions) < 0)
    return fail_errno("set the permissions of key " + std::to_string(key));
  return {};
}

namespace {
long bpf(int cmd, bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }
}  // namespace

Result<UniqueFd> bpf_load_cgroup_device(const std::vector<bpf_insn>& insns) {
  static const char license[] = "Apache-2.0";
  std::string log(64 * 1024, '\0');
  bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = reinterpret_cast<uint64_t>(insns.data());
  attr.insn_cnt = static_cast<uint32_t>(insns.size());
  attr.license = reinterpret_cast<uint64_t>(license);
  attr.log_buf = reinterpret_cast<uint64_t>(log.data());
  attr.log_size = static_cast<uint32_t>(log.size());
  attr.log_level = 1;
  long fd = bpf(BPF_PROG_LOAD, attr);
  if (fd < 0 && errno == ENOSPC) {  // the log did not fit: load again without one
    attr.log_buf = 0, attr.log_size = 0, attr.log_level = 0;
    fd = bpf(BPF_PROG_LOAD, attr);
  }
  if (fd < 0) {
    auto e = fail_errno("load the device cgroup program (BPF_PROG_LOAD)");
    log.resize(std::strlen(log.c_str()));
    if (!log.empty()) e.error().message += " (verifier: " + log + ")";
    return e;
  }
  return UniqueFd(static_cast<int>(fd));
}

Result<> bpf_attach_cgroup_device(int cgroup_fd, int prog_fd) {
  bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.target_fd = static_cast<uint32_t>(cgroup_fd);
  attr.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf(BPF_PROG_ATTACH, attr) < 0)
    return fail_errno("attach the device cgroup program (BPF_PROG_ATTACH)");
  return {};
}

Result<std::vector<uint32_t>> bpf_query_cgroup_device(int cgroup_fd) {
  std::vector<uint32_t> ids(64);
  bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.query.target_fd = static_cast<uint32_t>(cgroup_fd);
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = reinterpret_cast<uint64_t>(ids.data());
  attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
  if (bpf(BPF_PROG_QUERY, attr) < 0)
    return fail_errno("query the device cgroup programs (BPF_PROG_QUERY)");
  ids.resize(attr.query.prog_cnt);
  return ids;
}

Result<UniqueFd> bpf_prog_fd_by_id(uint32_t id) {
  bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.prog_id = id;
  long fd = bpf(BPF_PROG_GET_FD_BY_ID, attr);
  if (fd < 0) return fail_errno("BPF_PROG_GET_FD_BY_ID " + std::to_string(id));
  return UniqueFd(static_cast<int>(fd));
}

Result<> bpf_detach_cgroup_device(int cgroup_fd, int prog_fd) {
  bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.target_fd = static_cast<uint32_t>(cgroup_fd);
  attr.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
  attr.attach_type = BPF_CGROUP_DEVICE;
  if (bpf(BPF_PROG_DETACH, attr) < 0)
    return fail_errno("detach a device cgroup program (BPF_PROG_DETACH)");
  return {};
}

Result<> execve_fd(int fd, char* const argv[], char* const envp[]) {
  ::syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
  return fail_errno("execveat");
}

}  // namespace mcrun::sys
