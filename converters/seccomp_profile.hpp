// linux_info.seccomp.profile_name: a profile in the format Mesos's
// linux/seccomp isolator reads (src/linux/seccomp/seccomp_parser.cpp; Docker's
// format): defaultAction, archMap, and syscalls whose "includes"/"excludes"
// select them by architecture and by the container's capabilities. The
// result is linux.seccomp for this machine's architecture.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spec/config.hpp"
#include "spec/error.hpp"
#include "spec/json_fwd.hpp"

namespace mcrun::converters {

// `caps`: the container's effective capabilities ("CAP_SYS_ADMIN"), or
// nullopt when it keeps all of root's.
Result<spec::Seccomp> seccomp_from_profile(const Json& profile,
                                           const std::optional<std::vector<std::string>>& caps,
                                           std::string_view name);

}  // namespace mcrun::converters
