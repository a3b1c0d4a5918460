// Errors as values: every fallible call returns Result<T>, an Error carries the
// errno (0 when not from a syscall) and a message made at the call site.
// Callers prepend context as it travels up; only the CLI prints.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace mcrun {

// What went wrong, for callers that must act on it: they branch on the kind,
// never on the message text.
enum class ErrorKind {
  Other,
  NotFound,         // the container named does not exist
  CorruptState,     // its stored state cannot be read back
  ProgramNotFound,  // the process's program is not in the container (a shell's 127)
  PeerExited,       // the other end of a sync socket died before it reported
};

struct Error {
  int code = 0;         // errno, or 0 for a logical error
  std::string message;  // "mount proc on \"/proc\""
  ErrorKind kind = ErrorKind::Other;

  // "while-doing-X: <message>"; returns *this for chaining on temporaries.
  Error& context(std::string_view what) &;
  Error&& context(std::string_view what) &&;

  // The message with the errno name appended: `statfs "/x": EPERM`.
  std::string what() const;
};

// std::expected<T, Error> that must not be ignored: a failure dropped on the
// floor is how a limit goes silently unapplied. Discard one on purpose with
// (void).
template <class T = void>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
  Result(const std::expected<T, Error>& e) : std::expected<T, Error>(e) {}
  Result(std::expected<T, Error>&& e) : std::expected<T, Error>(std::move(e)) {}
};

inline std::unexpected<Error> fail(std::string message, int code = 0,
                                   ErrorKind kind = ErrorKind::Other) {
  return std::unexpected(Error{code, std::move(message), kind});
}

// An error from a syscall that just failed: captures errno now.
std::unexpected<Error> fail_errno(std::string message);

// Name of an errno value ("ENOENT"), or its number when unnamed.
std::string errno_name(int code);

// Double-quote a path or string for messages: "/a b" -> "\"/a b\"".
std::string quote(std::string_view s);

}  // namespace mcrun

// Propagate a failed Result<void> / Result<T> from the enclosing function.
#define MCRUN_CHECK(expr)                                                                       \
  do {                                                                                          \
    if (auto mcrun_r_ = (expr); !mcrun_r_) return std::unexpected(std::move(mcrun_r_.error())); \
  } while (0)

// The same, prepending context to the error.
#define MCRUN_CHECK_CTX(expr, ctx)                                      \
  do {                                                                  \
    if (auto mcrun_r_ = (expr); !mcrun_r_)                              \
      return std::unexpected(std::move(mcrun_r_.error()).context(ctx)); \
  } while (0)
