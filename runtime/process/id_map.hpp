// Writing a new user namespace's uid_map and gid_map from the parent.
#pragma once

#include <sys/types.h>

#include <vector>

#include "runtime/sys/fd.hpp"
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

// A user namespace that holds nothing but these mappings, for an id-mapped
// mount (mount_setattr MOUNT_ATTR_IDMAP takes a namespace, not a list): a
// child made in a new one lives until its maps are written and the
// namespace is opened. Root only: the kernel lets only CAP_SYS_ADMIN over
// the mount's filesystem make an id-mapped mount anyway.
Result<sys::UniqueFd> user_namespace_of(const std::vector<spec::IdMapping>& uids,
                                        const std::vector<spec::IdMapping>& gids);

}  // namespace mcrun::runtime
