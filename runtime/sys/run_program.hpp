// Running a helper program to completion (du, newuidmap): no shell, stdin
// from /dev/null, a fixed PATH, what it prints kept (stdout and stderr
// together, the first `keep` bytes), and never waited for longer than a bound: a
// helper stuck (du on a hung network mount) is killed and is an error.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "spec/error.hpp"

namespace mcrun::sys {

struct ProgramResult {
  int status = 0;      // waitpid's status
  std::string output;  // stdout, then stderr interleaved as written
};

// argv[0] is an absolute path. `stderr_too`: stderr goes into output as well
// (else to /dev/null). Past `timeout` the program is killed (SIGKILL through
// its pidfd) and reaped: ETIMEDOUT, naming it.
Result<ProgramResult> run_program(const std::vector<std::string>& argv, bool stderr_too,
                                  std::chrono::milliseconds timeout, size_t keep = 4096);

}  // namespace mcrun::sys
