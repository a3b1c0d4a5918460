// Mesos ContainerInfo -> OCI config, reproducing what the Mesos containerizer's
// isolators do (filesystem/shared, namespaces/pid, cgroups/*, posix/*) — and
// enforcing what Mesos leaves loose (RO volumes really read-only, nested
// volumes compared by path component). Pure: the host is consulted only by
// host_paths.cpp, after this has accepted the input.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "converters/container_info.hpp"
#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::converters {

inline constexpr const char* kDefaultIsolation = "filesystem/shared,namespaces/pid";
inline constexpr const char* kSandboxInImage = "/mnt/mesos/sandbox";

struct ConvertOptions {
  std::string isolation = kDefaultIsolation;  // comma separated Mesos isolator names
  std::optional<std::string> resources;       // "cpus:1.5;mem:256"
  bool cgroups_enable_cfs = false;  // a CPU quota from cpus (Mesos's --cgroups_enable_cfs)
  // disk/du: kill the task once the sandbox outgrows `disk` (Mesos's
  // --enforce_container_disk_quota), measured every interval (Mesos's
  // --container_disk_watch_interval, "15secs" by default).
  bool enforce_container_disk_quota = false;
  std::optional<std::string> container_disk_watch_interval;
  std::optional<std::string>
      seccomp_config_dir;  // where profile names are found (Mesos's --seccomp_config_dir)
  std::optional<std::string>
      seccomp_profile;                // the default profile (Mesos's --seccomp_profile_name)
  std::string work_dir;               // absolute: the executor's sandbox
  std::optional<std::string> rootfs;  // absolute: an unpacked image
  std::vector<std::string> command;
  std::vector<std::pair<spec::HookPhase, spec::Hook>> hooks;
  std::string input_name = "container_info";  // for messages
};

// A directory under the work dir that a relative host_path asks for, to be
// created with the mode and owner of what the container sees at
// container_path: `mode_from` on the host, or inside `rootfs` (an image,
// whose symlinks must never lead out of it).
struct SandboxDir {
  size_t volume = 0;
  std::string relative;   // "tmp/x": below the work dir, no "." or ".."
  std::string mode_from;  // "/tmp": a host path, or a path inside rootfs
  std::optional<std::string> rootfs;
  // A SANDBOX_PATH source or a mount point: mode 0755 and the work dir's
  // owner (Mesos's volume isolators), not a copy of container_path's.
  bool like_work_dir = false;
};

// A host path that must exist for the bundle to make sense.
struct RequiredPath {
  size_t volume = 0;
  std::string path;
  std::string role;  // "host_path", "container_path"
  // BIDIRECTIONAL: it must also lie on a shared mount, as Mesos's
  // volume/host_path isolator requires (a private one cannot propagate).
  bool must_be_shared = false;
};

struct Conversion {
  spec::Config config;
  std::vector<RequiredPath> required;
  std::vector<SandboxDir> sandbox_dirs;
  // A seccomp profile to read (the host is read by the caller, not here),
  // then turned into linux.seccomp with seccomp_from_profile.
  std::optional<std::string> seccomp_profile_path;
};

Result<Conversion> convert(const ContainerInfo& info, const ConvertOptions& opts);

// --hook PHASE=PATH[,ARG...] -> (phase, hook). ARGs follow PATH as argv[1..].
Result<std::pair<spec::HookPhase, spec::Hook>> parse_hook_flag(std::string_view text);

}  // namespace mcrun::converters
