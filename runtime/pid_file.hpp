// --pid-file, written so that nobody who can write its directory can make
// root write anywhere else: the pid goes to a new file under an unpredictable
// name, created exclusively (O_CREAT|O_EXCL never follows a symlink), which is
// then renamed over the path (rename replaces a symlink, it does not follow it).
#pragma once

#include <sys/types.h>

#include <string>

#include "spec/error.hpp"

namespace mcrun::runtime {

Result<> write_pid_file(const std::string& path, pid_t pid);

}  // namespace mcrun::runtime
