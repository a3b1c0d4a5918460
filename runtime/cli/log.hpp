// --log FILE / --log-format text|json: containerd's shim reads the runtime's
// errors from this file, one JSON object per line: {"level","msg","time"}.
#pragma once

#include <string>

namespace mcrun::cli {

void log_open(const std::string& path, const std::string& format, bool debug);
void log_error(const std::string& message);    // also printed to stderr
void log_warning(const std::string& message);  // "mcrun: warning: ..." on stderr too
void log_debug(const std::string& message);

}  // namespace mcrun::cli
