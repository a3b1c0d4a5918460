// Mesos ContainerInfo (JSON and YAML) parser + the pure converter. No
// directory is created: the host step is not part of this path. Property:
// every conversion yields a valid config that round-trips.
#include <cstdint>
#include <cstdlib>

#include "converters/container_info.hpp"
#include "converters/convert.hpp"
#include "spec/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mcrun;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto format : {converters::InputFormat::Json, converters::InputFormat::Yaml}) {
    auto info = converters::parse_container_info(text, format, "fuzz");
    if (!info) continue;
    for (bool image : {false, true}) {
      converters::ConvertOptions opts;
      opts.work_dir = "/var/lib/mesos/sandbox";
      if (image) opts.rootfs = "/var/lib/mesos/image";
      opts.isolation = "filesystem/shared,namespaces/pid,cgroups/cpu,cgroups/mem";
      opts.resources = "cpus:1.5;mem:256";
      opts.command = {"/bin/true"};
      auto conv = converters::convert(*info, opts);
      if (!conv) continue;
      if (!spec::validate_config(conv->config).empty()) std::abort();
      auto again = spec::load_config_text(spec::emit_config(conv->config).dump());
      if (!again || !(*again == conv->config)) std::abort();
    }
  }
  return 0;
}
