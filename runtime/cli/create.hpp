// What `create` and `run` share: their flags and how they become
// CreateOptions (run is create + start + wait).
#pragma once

#include <string>
#include <vector>

#include "runtime/cli/args.hpp"
#include "runtime/create.hpp"

namespace mcrun::cli {

std::vector<FlagSpec> create_flags();
Result<runtime::CreateOptions> create_options(const Globals& g, const Args& args,
                                              const std::string& usage);

}  // namespace mcrun::cli
