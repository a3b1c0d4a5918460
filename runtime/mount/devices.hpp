// /dev inside the container: the standard nodes when /dev is a fresh tmpfs,
// the config's linux.devices, and the /dev/fd, /dev/std* and ptmx links.
#pragma once

#include <vector>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

// null, zero, full, random, urandom, tty (mknod; a bind of the host node when
// mknod is not permitted, as in a user namespace) and the standard symlinks.
Result<> populate_dev(int root_fd);

// linux.devices: each node created at its path inside the rootfs.
Result<> create_devices(int root_fd, const std::vector<spec::Device>& devices);

}  // namespace mcrun::runtime
