// What `create` and `run` share: their flags and how they become
// CreateOptions (run is create + start + wait).
#pragma once

#include <string>
#include <vector>

#include "runtime/cli/args.hpp"
#include "runtime/create.hpp"
#include "spec/config.hpp"

namespace mcrun::cli {

std::vector<FlagSpec> create_flags();
Result<runtime::CreateOptions> create_options(const Globals& g, const Args& args,
                                              const std::string& usage);

// An enforced disk limit (spec/disk_watch.hpp) needs a foreground `run`:
// create and run --detach refuse it rather than leave it unenforced.
Result<> refuse_unwatched_disk_limit(const spec::Config& c);

}  // namespace mcrun::cli
