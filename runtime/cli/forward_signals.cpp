#include "runtime/cli/forward_signals.hpp"

#include <signal.h>

#include "runtime/sys/raw.hpp"

namespace mcrun::cli {
namespace {

// Read by the handler: a plain int written before the handlers are set.
volatile sig_atomic_t g_pidfd = -1;

void forward(int sig) {
  if (g_pidfd >= 0) (void)sys::pidfd_send_signal(g_pidfd, sig);
}

}  // namespace

void forward_signals_to(int pidfd) {
  g_pidfd = pidfd;
  if (pidfd < 0) return;
  struct sigaction sa {};
  sa.sa_handler = forward;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT})
    ::sigaction(sig, &sa, nullptr);
}

}  // namespace mcrun::cli
