#include "runtime/warn.hpp"

#include <cstdio>

namespace mcrun::runtime {
namespace {

void to_stderr(const std::string& message) {
  std::fprintf(stderr, "mcrun: warning: %s\n", message.c_str());
}
WarningSink g_sink = to_stderr;

}  // namespace

void set_warning_sink(WarningSink sink) { g_sink = sink ? sink : to_stderr; }

void warn(const std::string& message) { g_sink(message); }

}  // namespace mcrun::runtime
