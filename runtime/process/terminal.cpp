#include "runtime/process/terminal.hpp"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {

Result<> send_fd(int sock, int fd, const std::string& name) {
  char control[CMSG_SPACE(sizeof(int))] = {};
  iovec iov{const_cast<char*>(name.data()), name.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t n;
  do n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return fail_errno("send the terminal to the console socket");
  return {};
}

Result<sys::UniqueFd> receive_fd(int sock) {
  char name[256];
  char control[CMSG_SPACE(sizeof(int))] = {};
  iovec iov{name, sizeof name};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (n <= 0 || !c || c->cmsg_type != SCM_RIGHTS) return fail("no terminal was received");
  int fd;
  std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return sys::UniqueFd(fd);
}

void proxy_pty(int master, int pidfd) {
  termios saved{};
  bool raw = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (raw) {
    termios t = saved;
    ::cfmakeraw(&t);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &t);
    winsize ws{};
    if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) ::ioctl(master, TIOCSWINSZ, &ws);
  }
  // Poll only what can still deliver: once the program has closed every
  // slave fd the master reports POLLHUP on every poll (it spun here), so it
  // leaves the set, and so does our stdin (nothing can take its input).
  bool master_open = true, stdin_open = true;
  char buf[8192];
  for (;;) {
    pollfd fds[3] = {{pidfd, POLLIN, 0}, {master, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    nfds_t n = master_open ? (stdin_open ? 3 : 2) : 1;
    int ready = ::poll(fds, n, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    bool output = false;
    if (master_open && (fds[1].revents & POLLIN)) {
      ssize_t r = ::read(master, buf, sizeof buf);
      if (r > 0) (void)sys::write_all(STDOUT_FILENO, std::string_view(buf, static_cast<size_t>(r)));
      output = r > 0;
      if (r <= 0 && errno != EINTR && errno != EAGAIN)
        master_open = false;  // EIO: no slave any more
    } else if (master_open && (fds[1].revents & (POLLHUP | POLLERR))) {
      master_open = false;
    }
    if (master_open && stdin_open && (fds[2].revents & (POLLIN | POLLHUP))) {
      ssize_t r = ::read(STDIN_FILENO, buf, sizeof buf);
      if (r > 0)
        (void)sys::write_all(master, std::string_view(buf, static_cast<size_t>(r)));
      else
        stdin_open = false;
    }
    // Exited: take what the program still wrote, then stop.
    if ((fds[0].revents & POLLIN) && !output) break;
  }
  if (raw) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}

namespace {

// /dev/console is created empty and the slave's mount placed on that very
// inode (O_NOFOLLOW fd + move_mount), so a symlink at /dev/console cannot
// send the mount elsewhere. The mount is cloned from the slave fd itself,
// not from its /dev/pts/N path, which a mount over /dev/pts made meanwhile
// (a container sharing this /dev) could lead to a procfs file such as
// core_pattern, then bound writable as the console (runc's CVE-2025-52565).
Result<> bind_console(int slave) {
  int f = ::open("/dev/console", O_CREAT | O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
  if (f < 0) return fail_errno("create /dev/console");
  sys::UniqueFd file(f);
  auto target = sys::open_path("/dev/console", O_PATH | O_NOFOLLOW);
  if (!target) return std::unexpected(target.error());
  auto tree = sys::open_tree(slave, "", OPEN_TREE_CLONE | AT_EMPTY_PATH);
  if (!tree) return std::unexpected(tree.error());
  return sys::move_mount(tree->get(), target->get());
}

}  // namespace

Result<> setup_console(int console_socket, const std::optional<spec::ConsoleSize>& size,
                       bool bind_dev_console) {
  int m = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) return fail_errno("open /dev/ptmx");
  sys::UniqueFd master(m);
  if (::grantpt(m) < 0 || ::unlockpt(m) < 0) return fail_errno("unlock the pty");
  char name[128];
  if (::ptsname_r(m, name, sizeof name) != 0) return fail_errno("ptsname");
  // The master's own peer (Linux 4.13): no lookup of the name, which could
  // lead elsewhere by the time it is opened.
  int peer = ::ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0) return fail_errno("open the terminal's slave (TIOCGPTPEER)");
  sys::UniqueFd slave(peer);
  if (size) {
    winsize ws{};
    ws.ws_row = static_cast<unsigned short>(size->height);
    ws.ws_col = static_cast<unsigned short>(size->width);
    if (::ioctl(m, TIOCSWINSZ, &ws) < 0) return fail_errno("set the terminal size");
  }
  if (bind_dev_console) MCRUN_CHECK_CTX(bind_console(slave.get()), "/dev/console");
  // A session of its own (the container init has one already), with the
  // slave as its controlling terminal.
  if (::getsid(0) != ::getpid() && ::setsid() < 0) return fail_errno("setsid");
  if (::ioctl(slave.get(), TIOCSCTTY, 0) < 0) return fail_errno("ioctl TIOCSCTTY");
  MCRUN_CHECK(send_fd(console_socket, m, name));
  for (int fd = 0; fd <= 2; ++fd)
    if (::dup2(slave.get(), fd) < 0) return fail_errno("dup2 the terminal");
  return {};
}

}  // namespace mcrun::runtime
