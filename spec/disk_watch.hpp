// The sandbox disk watch: mcrun's own annotations for what Mesos's disk/du
// isolator does (src/slave/containerizer/mesos/isolators/posix/disk.cpp):
// `du -k -s` of the sandbox every watch interval, reported as the container's
// disk usage and, with a limit that is enforced, the container killed once
// the usage exceeds it. `mcrun convert --isolation disk/du` writes them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "spec/problem.hpp"

namespace mcrun::spec {

inline constexpr const char* kDiskPathAnnotation = "mcrun.disk.path";          // absolute
inline constexpr const char* kDiskLimitAnnotation = "mcrun.disk.limit";        // bytes
inline constexpr const char* kDiskEnforceAnnotation = "mcrun.disk.enforce";    // "true"/"false"
inline constexpr const char* kDiskIntervalAnnotation = "mcrun.disk.interval";  // seconds

struct DiskWatch {
  std::string path;
  std::optional<uint64_t> limit;
  bool enforce = false;  // kill the container once the usage exceeds limit
  double interval = 15;  // Mesos's --container_disk_watch_interval default
  bool enforced() const { return enforce && limit.has_value(); }
};

// The watch the annotations describe (nullopt: none). Every malformed value
// is a problem at /annotations/<key>.
std::optional<DiskWatch> disk_watch(const std::map<std::string, std::string>& annotations,
                                    Problems& problems);

// The annotations for `w`, as the converter writes them.
void add_disk_watch(std::map<std::string, std::string>& annotations, const DiskWatch& w);

}  // namespace mcrun::spec
