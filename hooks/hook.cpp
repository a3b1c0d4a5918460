#include "hooks/hook.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::hooks {
namespace {

using sys::UniqueFd;
constexpr size_t kKeepOutput = 4096;

[[noreturn]] void exec_hook(const spec::Hook& hook, int in, int out) {
  // dup2 clears O_CLOEXEC on the new descriptors; everything else stays close-on-exec.
  if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) _exit(126);
  std::vector<char*> argv, envp;
  std::vector<std::string> args =
      hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = hook.env;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  ::signal(SIGPIPE, SIG_DFL);  // mcrun ignores it; an ignored signal would survive exec
  ::execve(hook.path.c_str(), argv.data(), envp.data());
  std::string msg = "exec " + hook.path + ": " + errno_name(errno) + "\n";
  (void)!::write(2, msg.data(), msg.size());
  _exit(127);
}

std::string tidy(std::string out) {
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// The state is far below a socket buffer, so this cannot block on a hook
// that never reads stdin; EPIPE from a hook that exited early is fine.
void send_state(int fd, std::string_view state_json) {
  for (std::string_view rest = state_json; !rest.empty();) {
    ssize_t n = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

// Reads what is there to read of `fd` into `output`, which keeps the first
// kKeepOutput bytes; at most that much a call, so a daemon the hook left
// writing cannot hold us here. The fd is dropped at its end or on an error.
void read_output(UniqueFd& fd, std::string& output) {
  char buf[4096];
  for (size_t taken = 0; taken < kKeepOutput;) {
    ssize_t r = ::read(fd.get(), buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r == 0 || errno != EAGAIN) fd.reset();
      return;
    }
    taken += static_cast<size_t>(r);
    if (output.size() < kKeepOutput) output.append(buf, static_cast<size_t>(r));
  }
}

// Until the hook exits or its timeout passes (then it is killed): collects
// its output meanwhile. Returns false on a timeout.
bool watch(int pidfd, UniqueFd& out, std::optional<int64_t> timeout, std::string& output) {
  using Clock = std::chrono::steady_clock;
  auto deadline =
      timeout ? Clock::now() + std::chrono::seconds(*timeout) : Clock::time_point::max();
  for (;;) {
    pollfd fds[2] = {{pidfd, POLLIN, 0}, {out.get(), POLLIN, 0}};
    int timeout_ms = -1;
    if (timeout) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      timeout_ms = left > 0 ? static_cast<int>(left) : 0;
    }
    int n = ::poll(fds, out ? 2 : 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      (void)sys::pidfd_send_signal(pidfd, SIGKILL);
      return false;
    }
    if (fds[1].revents) read_output(out, output);
    if (fds[0].revents) return true;
  }
}

std::string exit_reason(int status) {
  return WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status))
                             : "exited with status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

Result<> run_hook(const spec::Hook& hook, std::string_view state_json, std::string_view label) {
  std::string who = "hook " + std::string(label) + " " + hook.path;
  // stdin is a socket, not a pipe, so writing to a hook that already exited
  // is EPIPE (MSG_NOSIGNAL), never a SIGPIPE that would kill the caller.
  auto in = sys::socketpair(SOCK_STREAM);
  auto out = sys::pipe();
  if (!in || !out) return std::unexpected((in ? out.error() : in.error()).context(who));
  auto child = sys::fork_with_pidfd();
  if (!child) return std::unexpected(std::move(child.error()).context(who));
  if (child->pid == 0) exec_hook(hook, in->first.get(), out->second.get());

  in->first.reset();
  out->second.reset();
  // Non-blocking: a daemon the hook left behind may hold the pipe open forever.
  ::fcntl(out->first.get(), F_SETFL, O_NONBLOCK);
  send_state(in->second.get(), state_json);
  in->second.reset();
  std::string output;
  const bool exited = watch(child->pidfd.get(), out->first, hook.timeout, output);
  auto status = sys::wait_pid(child->pid);
  if (!status) return std::unexpected(std::move(status.error()).context(who));
  if (!exited) return fail(who + " timed out after " + std::to_string(*hook.timeout) + "s");
  if (out->first) read_output(out->first, output);  // what it printed just before exiting
  if (*status != 0) {
    output = tidy(output.substr(0, kKeepOutput));
    return fail(who + " " + exit_reason(*status) + (output.empty() ? "" : ": " + output));
  }
  return {};
}

Result<> run_phase(const std::vector<spec::Hook>& hooks, spec::HookPhase phase,
                   std::string_view state_json) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    std::string label = std::string(spec::hook_phase_name(phase)) + "[" + std::to_string(i) + "]";
    MCRUN_CHECK(run_hook(hooks[i], state_json, label));
  }
  return {};
}

std::vector<Error> run_phase_all(const std::vector<spec::Hook>& hooks, spec::HookPhase phase,
                                 std::string_view state_json) {
  std::vector<Error> failed;
  for (size_t i = 0; i < hooks.size(); ++i) {
    std::string label = std::string(spec::hook_phase_name(phase)) + "[" + std::to_string(i) + "]";
    if (auto r = run_hook(hooks[i], state_json, label); !r) failed.push_back(std::move(r.error()));
  }
  return failed;
}

}  // namespace mcrun::hooks
