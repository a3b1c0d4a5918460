#include "runtime/signal_name.hpp"

#include <signal.h>
#include <string.h>
#include <strings.h>

#include <cctype>
#include <cstdlib>

namespace mcrun::runtime {

Result<int> parse_signal(const std::string& text) {
  if (text.empty()) return fail("empty signal");
  if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    char* end;
    long v = std::strtol(text.c_str(), &end, 10);
    // 0 as runc and kill(1): nothing is sent, the init is only checked.
    if (*end || v < 0 || v >= NSIG) return fail("invalid signal " + quote(text));
    return static_cast<int>(v);
  }
  // Any case, with or without "SIG", as runc.
  std::string name = strncasecmp(text.c_str(), "SIG", 3) == 0 ? text.substr(3) : text;
  for (int s = 1; s < NSIG; ++s) {
    const char* abbrev = ::sigabbrev_np(s);
    if (abbrev && strcasecmp(abbrev, name.c_str()) == 0) return s;
  }
  return fail("unknown signal " + quote(text));
}

}  // namespace mcrun::runtime
