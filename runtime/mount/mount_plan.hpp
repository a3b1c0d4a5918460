// Plan, then apply: config mounts become a list of MountOps. Pure (no
// syscalls), so the interpretation of every option is unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

enum class MountKind {
  Bind,        // open_tree(CLONE) + mount_setattr + move_mount: never writable, even for an instant
  Filesystem,  // mount(2) of proc, tmpfs, sysfs, devpts, mqueue, ...
  Cgroup,      // the host's cgroup hierarchies, read-only, under a tmpfs (v1) or cgroup2 (v2)
};

struct MountOp {
  size_t index = 0;  // position in config.mounts, for messages
  MountKind kind = MountKind::Filesystem;
  std::string source;       // bind: absolute host path (relative ones resolved against the bundle)
  std::string destination;  // absolute, inside the root
  std::string fstype;
  unsigned long flags = 0;  // MS_* for Filesystem
  std::string data;         // filesystem options that are not flags ("mode=755")
  bool recursive = false;   // rbind
  uint64_t attr_set = 0;    // MOUNT_ATTR_* for Bind
  uint64_t attr_clr = 0;
  unsigned long propagation = 0;  // MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE, 0 = leave
  bool propagation_recursive = false;
  bool copy_up = false;  // "tmpcopyup": a tmpfs starts with what it covers
  // "ro" on a tmpfs or on /dev: mounted writable, made read-only once the
  // mounts, devices and mount points below it exist (remount_readonly).
  bool readonly_later = false;
  int tree_fd = -1;  // bind: the source already cloned (detached), borrowed; -1 = clone `source`
  // "idmap"/"ridmap" (or mappings alone): on-disk ids appear through the
  // mount as these map them. Both empty: the container's joined user
  // namespace's mapping.
  bool id_mapped = false, id_map_recursive = false;
  std::vector<spec::IdMapping> uid_map, gid_map;
  bool operator==(const MountOp&) const = default;
};

struct MountOptions {
  unsigned long flags = 0;  // MS_* to set
  unsigned long clear = 0;  // MS_* explicitly cleared (rw, suid, ...)
  unsigned long propagation = 0;
  bool propagation_recursive = false;
  bool bind = false, rbind = false;
  bool copy_up = false;
  bool id_map = false, id_map_recursive = false;  // "idmap", "ridmap"
  uint64_t rec_attr_set = 0,
           rec_attr_clr = 0;  // "rro", "rnosuid", ... (mount_setattr AT_RECURSIVE)
  std::string data;
};

// Interprets mount(8)-style options the way runc does; unknown ones are data.
Result<MountOptions> parse_mount_options(const std::vector<std::string>& options);

// Every option parse_mount_options interprets (the rest is filesystem
// data), for `mcrun features`.
std::vector<std::string> mount_option_names();

// The operations for config.mounts, in order. `bundle` resolves relative bind sources.
Result<std::vector<MountOp>> plan_mounts(const spec::Config& config, const std::string& bundle);

// MS_* propagation for a rootfsPropagation value ("rslave" -> MS_SLAVE|MS_REC).
unsigned long propagation_flags(const std::string& mode);

}  // namespace mcrun::runtime
