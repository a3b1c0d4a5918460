// Mesos ContainerInfo (mesos.proto) in its protobuf-JSON form, or YAML with the
// same field names. Parsing is strict: unknown fields, wrong types and bad enum
// values are errors with the field's path, all reported at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "spec/error.hpp"
#include "spec/json_fwd.hpp"

namespace mcrun::converters {

// Volume.source (mesos.proto): HOST_PATH or SANDBOX_PATH; the other types
// (DOCKER_VOLUME, SECRET, CSI_VOLUME, image volumes) are refused with a reason.
struct VolumeSource {
  enum class Kind { HostPath, SandboxPath };
  Kind kind = Kind::HostPath;
  std::string path;  // HOST_PATH: an absolute host path; SANDBOX_PATH: relative to the sandbox
  std::optional<std::string> propagation;  // HOST_PATH mount_propagation: "rslave" or "rshared"
};

struct Volume {
  enum class Mode { RW, RO };
  std::string container_path;            // absolute, or relative to the sandbox
  std::optional<std::string> host_path;  // the legacy form
  std::optional<VolumeSource> source;
  Mode mode = Mode::RW;
};

struct RLimit {
  std::string type;  // "RLMT_NOFILE"
  std::optional<uint64_t> hard, soft;
};

struct ContainerInfo {
  std::string type;  // "MESOS"
  std::vector<Volume> volumes;
  std::optional<std::string> hostname;
  // linux_info
  std::optional<std::vector<std::string>> bounding_capabilities,
      effective_capabilities;  // "NET_ADMIN"
  // Where the effective set was given: "effective_capabilities", or the
  // deprecated "capability_info" (named in errors as given).
  std::string effective_key = "effective_capabilities";
  bool share_pid_namespace = false;
  std::optional<std::string> ipc_mode;         // "PRIVATE" or "SHARE_PARENT"
  std::optional<uint32_t> shm_size;            // MB, with ipc_mode PRIVATE
  std::optional<std::string> seccomp_profile;  // seccomp.profile_name
  bool seccomp_unconfined = false;
  bool share_cgroups = true;    // nested containers only: no effect on a top-level one
  std::vector<RLimit> rlimits;  // rlimit_info.rlimits
  bool tty = false;             // tty_info present
  std::optional<uint32_t> tty_rows, tty_columns;
};

enum class InputFormat { Auto, Json, Yaml };

// Parses text; `name` labels errors ("container_info.json").
Result<ContainerInfo> parse_container_info(std::string_view text, InputFormat format,
                                           std::string_view name);

// YAML -> JSON: quoted scalars stay strings; plain ones become booleans or
// numbers when they read as such (as a protobuf-JSON author would write them).
Result<Json> yaml_to_json(std::string_view text);

}  // namespace mcrun::converters
