// Rootless: mcrun run by an ordinary user (or by root inside a user namespace
// it does not own, as under rootless podman). The kernel decides what such a
// caller may do; these decide what mcrun asks of it: where the state lives
// and whether a cgroup is made.
#pragma once

#include <string>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

// Not root, or root of a user namespace other than the initial one
// (/proc/self/uid_map is not the identity "0 0 4294967295").
bool detect_rootless();

// --rootless VALUE: "true", "false" or "auto" (detect_rootless()).
Result<bool> parse_rootless(const std::string& value);

// The default state root: /run/mcrun for root; for a rootless caller
// $XDG_RUNTIME_DIR/mcrun, else /run/user/<uid>/mcrun when that directory is
// the caller's (as crun), else an error that says what to set.
Result<std::string> default_state_root(bool rootless);

// Whether a rootless container gets a cgroup: only one the caller names in
// cgroupsPath (a delegated cgroup; failing to create it is an error).
// Without one it is tracked as in POSIX mode (its session) or by its pid
// namespace, as runc and crun leave it when cgroups are not delegated; a
// limit then is refused by spec::validate_for_create, never dropped, and
// device rules alone mean nothing here (an unprivileged caller cannot mknod,
// and only the host's nodes it may open are bound in).
bool rootless_wants_cgroup(const spec::Config& c);

}  // namespace mcrun::runtime
