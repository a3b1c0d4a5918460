#include "runtime/cli/log.hpp"

#include <fcntl.h>

#include <cstdio>

#include "runtime/sys/syscalls.hpp"
#include "spec/json.hpp"

namespace mcrun::cli {
namespace {
struct Log {
  sys::UniqueFd fd;
  bool json = false;
  bool debug = false;
};
Log& log() {
  static Log l;
  return l;
}
void write_line(const char* level, const std::string& message) {
  Log& l = log();
  if (!l.fd) return;
  std::string line;
  if (l.json)
    line = Json{{"level", level}, {"msg", message}, {"time", sys::now_rfc3339()}}.dump() + "\n";
  else
    line = sys::now_rfc3339() + " " + level + ": " + message + "\n";
  (void)sys::write_all(l.fd.get(), line);
}
}  // namespace

void log_open(const std::string& path, const std::string& format, bool debug) {
  log().json = format == "json";
  log().debug = debug;
  if (path.empty()) return;
  if (auto fd = sys::open_path(path, O_WRONLY | O_CREAT | O_APPEND, 0644))
    log().fd = std::move(*fd);
}

void log_error(const std::string& message) {
  // Each line of a multi-problem error is its own "mcrun: " line on stderr.
  size_t pos = 0;
  while (pos <= message.size()) {
    size_t end = message.find('\n', pos);
    if (end == std::string::npos) end = message.size();
    std::fprintf(stderr, "mcrun: %s\n", message.substr(pos, end - pos).c_str());
    pos = end + 1;
  }
  write_line("error", message);
}

void log_warning(const std::string& message) {
  std::fprintf(stderr, "mcrun: warning: %s\n", message.c_str());
  write_line("warning", message);
}

void log_debug(const std::string& message) {
  if (!log().debug) return;
  std::fprintf(stderr, "mcrun: debug: %s\n", message.c_str());
  write_line("debug", message);
}

}  // namespace mcrun::cli
