// process.terminal: a pty made inside the container (its devpts), the slave
// as the init's controlling terminal and stdio, the master sent to the client
// over --console-socket with SCM_RIGHTS (runc's protocol: no reply expected).
#pragma once

#include <optional>

#include "runtime/sys/fd.hpp"
#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

// Opens a pty in the container's devpts, makes its slave our controlling
// terminal and stdio, and sends the master to the console socket. With
// `bind_dev_console` (a container init in its own mount namespace) the slave
// is also bind-mounted on /dev/console, as config-linux.md asks.
Result<> setup_console(int console_socket, const std::optional<spec::ConsoleSize>& size,
                       bool bind_dev_console);

// The foreground side of a terminal (`run`/`exec` without --console-socket):
// our stdin (raw, if it is a terminal) goes to the pty master, the master's
// output to our stdout, until the process behind `pidfd` exits.
void proxy_pty(int master, int pidfd);

// Receives one fd sent with send_fd().
Result<sys::UniqueFd> receive_fd(int sock);

// Sends one fd with a name over a unix socket (SCM_RIGHTS).
Result<> send_fd(int sock, int fd, const std::string& name);

}  // namespace mcrun::runtime
