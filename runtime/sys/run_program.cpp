#include "runtime/sys/run_program.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/sys/child.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::sys {
namespace {

// In the child: only async-signal-safe calls (the parent may have threads).
[[noreturn]] void exec_program(char* const* argv, int out, bool stderr_too) {
  // dup2 clears O_CLOEXEC on 0-2; every other descriptor stays close-on-exec.
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(stderr_too ? out : null, 2) < 0 ||
      ::dup2(out, 1) < 0)
    ::_exit(126);
  ::signal(SIGPIPE, SIG_DFL);
  const char* envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", nullptr};
  ::execve(argv[0], argv, const_cast<char**>(envp));
  ::_exit(127);
}

// Waits for `fd` to be readable (a pidfd: the process exited) until the
// deadline; false if it passes.
bool readable_by(int fd, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    int ready = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1 << 30)));
    if (ready < 0 && errno == EINTR) continue;
    return ready != 0;  // ready, or a poll error: let the caller read and see
  }
}

// Reads what the program prints until it closes its end (EOF) or the
// deadline passes (false). A grandchild keeping the pipe open holds EOF
// back as long as it lives, so the deadline bounds that too.
bool read_until(int fd, std::chrono::steady_clock::time_point deadline, std::string& out,
                size_t keep) {
  char buf[4096];
  for (;;) {
    if (!readable_by(fd, deadline)) return false;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    if (out.size() < keep) out.append(buf, std::min(static_cast<size_t>(n), keep - out.size()));
  }
}

}  // namespace

Result<ProgramResult> run_program(const std::vector<std::string>& argv, bool stderr_too,
                                  std::chrono::milliseconds timeout, size_t keep) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto out = pipe();
  if (!out) return std::unexpected(out.error());
  auto forked = fork_with_pidfd();
  if (!forked) return std::unexpected(forked.error());
  if (forked->pid == 0) exec_program(args.data(), out->second.get(), stderr_too);
  OwnedChild child(forked->pid, std::move(forked->pidfd));  // killed and reaped on any return
  out->second.reset();
  ProgramResult r;
  bool finished = read_until(out->first.get(), deadline, r.output, keep);
  // EOF says every holder closed the pipe, not that the program ended (it
  // may close stdout early): its exit is awaited within what is left.
  if (finished) finished = readable_by(child.pidfd(), deadline);
  if (!finished)
    return fail(argv[0] + ": did not finish within " + std::to_string(timeout.count()) + " ms",
                ETIMEDOUT);
  auto status = wait_pid(child.pid());
  if (!status) return std::unexpected(status.error());
  child.forget();  // reaped
  r.status = *status;
  if (r.status == 127 << 8 && r.output.empty()) return fail(argv[0] + ": cannot be run", ENOENT);
  return r;
}

}  // namespace mcrun::sys
