// Writing a new user namespace's uid_map and gid_map from the parent.
#pragma once

#include <sys/types.h>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

// Root writes the maps itself. An ordinary user may write one mapping of
// its own id only, and gid_map only after "deny" in setgroups (user_namespaces(7));
// so a single mapping of the caller's own uid/gid is written that way, as
// runc does without helpers, and anything more goes through shadow's
// setuid helpers newuidmap/newgidmap (Debian's uidmap), which check the
// ranges against /etc/subuid and /etc/subgid, as podman and crun use them.
Result<> write_id_maps(pid_t pid, const spec::Linux& linux);

}  // namespace mcrun::runtime
