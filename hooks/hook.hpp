// Running OCI hooks (config.md "POSIX-platform Hooks"): the container state on
// stdin, the hook's own args and env, an optional timeout after which it is
// killed. A failure names the phase, index and path, and quotes its output.
#pragma once

#include <string_view>
#include <vector>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::hooks {

// Runs one hook to completion. `label` names it in errors: "createRuntime[0]".
Result<> run_hook(const spec::Hook& hook, std::string_view state_json, std::string_view label);

// Runs the hooks of one phase in order; stops at the first that fails.
Result<> run_phase(const std::vector<spec::Hook>& hooks, spec::HookPhase phase,
                   std::string_view state_json);

// Runs every hook of the phase even after one failed (poststop: runtime-spec
// makes a failure a warning, and the remaining hooks still run). Returns the
// failures.
std::vector<Error> run_phase_all(const std::vector<spec::Hook>& hooks, spec::HookPhase phase,
                                 std::string_view state_json);

}  // namespace mcrun::hooks
