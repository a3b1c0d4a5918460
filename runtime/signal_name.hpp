// A signal as runc's command line takes it: "9", "KILL", "SIGKILL", "term".
#pragma once

#include <string>

#include "spec/error.hpp"

namespace mcrun::runtime {

Result<int> parse_signal(const std::string& text);

}  // namespace mcrun::runtime
