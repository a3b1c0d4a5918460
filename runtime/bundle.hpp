// An OCI bundle on disk: its directory, parsed+validated config.json and the
// resolved root filesystem.
#pragma once

#include <string>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

struct Bundle {
  std::string dir;  // absolute, symlinks resolved
  spec::Config config;
  std::string rootfs;  // absolute, symlinks resolved
  // root.path "/": the host's own filesystem (Mesos filesystem/shared). The
  // container gets a private mount namespace over it, and no pivot_root.
  bool host_root = false;
};

Result<Bundle> load_bundle(const std::string& dir);

// Absolute form of a path without touching the file system beyond getcwd.
std::string absolute_path(const std::string& path);

}  // namespace mcrun::runtime
