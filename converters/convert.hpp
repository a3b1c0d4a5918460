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
  std::string work_dir;                       // absolute: the executor's sandbox
  std::optional<std::string> rootfs;          // absolute: an unpacked image
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
};

// A host path that must exist for the bundle to make sense.
struct RequiredPath {
  size_t volume = 0;
  std::string path;
  std::string role;  // "host_path", "container_path"
};

struct Conversion {
  spec::Config config;
  std::vector<RequiredPath> required;
  std::vector<SandboxDir> sandbox_dirs;
};

Result<Conversion> convert(const ContainerInfo& info, const ConvertOptions& opts);

// Known isolator names, for messages and --help.
const std::vector<std::string>& known_isolators();

// --hook PHASE=PATH[,ARG...] -> (phase, hook). ARGs follow PATH as argv[1..].
Result<std::pair<spec::HookPhase, spec::Hook>> parse_hook_flag(std::string_view text);

}  // namespace mcrun::converters
