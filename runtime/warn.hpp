// Warnings from the library: a poststop hook that failed, what delete --force
// of a damaged container could not find. The library never prints; the CLI
// decides where they go (stderr and --log). Until it does, stderr.
#pragma once

#include <string>

namespace mcrun::runtime {

using WarningSink = void (*)(const std::string& message);
void set_warning_sink(WarningSink sink);
void warn(const std::string& message);

}  // namespace mcrun::runtime
