// Resolving container paths without ever leaving the rootfs. Every lookup is
// openat2(root_fd, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): absolute
// symlinks and ".." are resolved as if root_fd were "/", so a rootfs symlink
// /data -> /etc (or ../../../../etc) lands on <rootfs>/etc, never on the host
// (the class of CVE-2021-30465). Creation uses mkdirat/openat on the fd of the
// already-resolved parent, which never follows a symlink in the last component.
#pragma once

#include <sys/types.h>

#include <string>

#include "runtime/sys/fd.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

enum class Create { No, Directory, File };

// O_PATH fd of `path` (absolute or relative, taken as inside the root).
Result<sys::UniqueFd> open_in_root(int root_fd, const std::string& path);

// The same, first creating missing components: parents as directories (0755),
// the last as `what`. With Create::No a missing path is an error.
Result<sys::UniqueFd> open_or_create_in_root(int root_fd, const std::string& path, Create what);

}  // namespace mcrun::runtime
