// ContainerInfo.volumes -> bind mounts, as Mesos's filesystem/shared and
// volume/host_path, volume/sandbox_path isolators make them: legacy host_path
// (absolute, or relative = a directory in the sandbox with the mode and
// owner of what the container sees at container_path), source HOST_PATH
// (with mount propagation), source SANDBOX_PATH SELF; a relative
// container_path lies in the sandbox. Container paths may not nest, nor hide
// the sandbox, nor lie inside it with an absolute path (Mesos counts the
// sandbox among the volumes for that check).
#pragma once

#include <optional>
#include <string>

#include "converters/container_info.hpp"
#include "converters/convert.hpp"
#include "spec/problem.hpp"

namespace mcrun::converters {

struct VolumeContext {
  std::string work_dir;               // the sandbox on the host, normalized
  std::string sandbox;                // the sandbox as the container sees it
  std::optional<std::string> rootfs;  // an image, normalized
  bool sources_allowed = false;       // filesystem/linux (volume/host_path, volume/sandbox_path)
};

void add_volumes(const ContainerInfo& info, const VolumeContext& ctx, Conversion& out,
                 spec::Problems& p);

// Path components; "." and ".." are kept so callers can reject them.
std::vector<std::string> components(std::string_view path);
bool has_dot_components(std::string_view path);
// "/a//b/" -> "/a/b".
std::string normalize(std::string_view path);
// A path the kernel would refuse (ENAMETOOLONG): why, or nullopt.
std::optional<std::string> too_long(std::string_view path);

}  // namespace mcrun::converters
