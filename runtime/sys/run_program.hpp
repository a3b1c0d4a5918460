// Running a helper program to completion (du, newuidmap): no shell, stdin
// from /dev/null, a fixed PATH, what it prints kept (stdout and stderr
// together, the first 4 KiB).
#pragma once

#include <string>
#include <vector>

#include "spec/error.hpp"

namespace mcrun::sys {

struct ProgramResult {
  int status = 0;      // waitpid's status
  std::string output;  // stdout, then stderr interleaved as written
};

// argv[0] is an absolute path. `stderr_too`: stderr goes into output as well
// (else to /dev/null).
Result<ProgramResult> run_program(const std::vector<std::string>& argv, bool stderr_too);

}  // namespace mcrun::sys
