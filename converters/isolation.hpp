// The Mesos agent's --isolation list, read as the Mesos containerizer reads
// it (src/slave/containerizer/mesos/containerizer.cpp): deprecated aliases
// replaced ("cgroups" -> cgroups/cpu,cgroups/mem), duplicates and more than
// one filesystem isolator refused with Mesos's own messages.
#pragma once

#include <string>
#include <vector>

#include "spec/error.hpp"

namespace mcrun::converters {

struct Isolation {
  bool shared_fs = false;  // filesystem/shared: a mount namespace over the host's tree
  bool linux_fs = false;   // filesystem/linux: the same, plus images and volume sources
  bool pid = false, ipc = false;
  bool cpu = false, mem = false, pids = false;
  bool disk = false;  // disk/du: the sandbox's usage watched (and a disk limit enforced)
  bool mount_namespace() const { return shared_fs || linux_fs; }
};

Result<Isolation> parse_isolation(const std::string& list);

// Every isolator name mcrun accepts, for messages and --help.
const std::vector<std::string>& known_isolators();

}  // namespace mcrun::converters
