// Mesos ContainerInfo (mesos.proto) in its protobuf-JSON form, or YAML with the
// same field names. Parsing is strict: unknown fields, wrong types and bad enum
// values are errors with the field's path, all reported at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "spec/error.hpp"
#include "spec/json.hpp"

namespace mcrun::converters {

struct Volume {
  enum class Mode { RW, RO };
  std::string container_path;
  std::optional<std::string> host_path;
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
  std::optional<std::vector<std::string>> bounding_capabilities, effective_capabilities;  // "NET_ADMIN"
  bool share_pid_namespace = false;
  std::vector<RLimit> rlimits;  // rlimit_info.rlimits
  bool tty = false;             // tty_info present
  std::optional<uint32_t> tty_rows, tty_columns;
};

enum class InputFormat { Auto, Json, Yaml };

// Parses text; `name` labels errors ("container_info.json").
Result<ContainerInfo> parse_container_info(std::string_view text, InputFormat format, std::string_view name);

// YAML -> JSON: quoted scalars stay strings; plain ones become booleans or
// numbers when they read as such (as a protobuf-JSON author would write them).
Result<Json> yaml_to_json(std::string_view text);

}  // namespace mcrun::converters
