// `run` and `exec` in the foreground stand for the container's process: the
// signals a shell or a supervisor sends them go on to it, through its pidfd
// (never a recycled pid). The same set for both, as runc's signal proxy.
#pragma once

namespace mcrun::cli {

// From now on SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH and
// SIGCONT are sent on to the process behind `pidfd`; -1 stops forwarding.
void forward_signals_to(int pidfd);

}  // namespace mcrun::cli
