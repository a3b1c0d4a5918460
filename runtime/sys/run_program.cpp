#include "runtime/sys/run_program.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::sys {
namespace {

constexpr size_t kKeep = 4096;

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

}  // namespace

Result<ProgramResult> run_program(const std::vector<std::string>& argv, bool stderr_too) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto out = pipe();
  if (!out) return std::unexpected(out.error());
  auto child = fork_with_pidfd();
  if (!child) return std::unexpected(child.error());
  if (child->pid == 0) exec_program(args.data(), out->second.get(), stderr_too);
  out->second.reset();
  ProgramResult r;
  char buf[512];
  for (ssize_t n; (n = ::read(out->first.get(), buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (r.output.size() < kKeep) r.output.append(buf, static_cast<size_t>(n));
  }
  auto status = wait_pid(child->pid);
  if (!status) return std::unexpected(status.error());
  r.status = *status;
  if (r.status == 127 << 8 && r.output.empty()) return fail(argv[0] + ": cannot be run", ENOENT);
  return r;
}

}  // namespace mcrun::sys
