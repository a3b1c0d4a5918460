// The last steps of the container init before execve: rlimits, identity,
// capabilities, no_new_privs and seccomp, and finding the program.
#pragma once

#include <string>
#include <vector>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

// args[0] looked up in the PATH of the process env (like a shell), inside the
// container. Error: `exec: "foo": executable file not found in $PATH`
// (is_missing_program() tells it apart, so `run` can exit 127 like a shell).
Result<std::string> find_executable(const std::string& arg0, const std::vector<std::string>& env);

bool is_missing_program(const Error& e);

Result<> set_rlimits(const std::vector<spec::Rlimit>& rlimits);

// setgroups/setresgid/setresuid and the five capability sets, in the order
// that keeps the permitted set across the uid change (PR_SET_KEEPCAPS).
Result<> switch_identity(const spec::Process& process);

Result<> set_no_new_privileges();

// Loads the filter; `nnp` tells whether no_new_privs is (or will be) set.
Result<> install_seccomp(const spec::Seccomp& seccomp);

}  // namespace mcrun::runtime
