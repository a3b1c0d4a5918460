// process.terminal: a pty made inside the container (its devpts), the slave
// as the init's controlling terminal and stdio, the master sent to the client
// over --console-socket with SCM_RIGHTS (runc's protocol: no reply expected).
#pragma once

#include <optional>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

Result<> setup_console(int console_socket, const std::optional<spec::ConsoleSize>& size);

// Sends one fd with a name over a unix socket (SCM_RIGHTS).
Result<> send_fd(int sock, int fd, const std::string& name);

}  // namespace mcrun::runtime
