#include "spec/error.hpp"

#include <cerrno>
#include <cstring>

namespace mcrun {

Error& Error::context(std::string_view what) & {
  message = std::string(what) + ": " + message;
  return *this;
}

Error&& Error::context(std::string_view what) && {
  message = std::string(what) + ": " + message;
  return std::move(*this);
}

std::string errno_name(int code) {
  const char* name = strerrordesc_np(code) ? strerrorname_np(code) : nullptr;
  return name ? name : "errno " + std::to_string(code);
}

std::string Error::what() const {
  if (code == 0) return message;
  return message + ": " + errno_name(code);
}

std::unexpected<Error> fail_errno(std::string message) {
  int code = errno;
  return std::unexpected(Error{code, std::move(message)});
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace mcrun
