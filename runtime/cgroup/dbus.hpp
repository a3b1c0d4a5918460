// Just enough D-Bus to ask systemd for a transient scope: the wire format
// (dbus-specification "Message Protocol": little-endian marshalling with
// alignment, a header of (code, variant) fields), EXTERNAL authentication,
// and a blocking method call over a unix socket. mcrun is a static
// executable, so sd-bus (libsystemd is shared-only in Debian) is not an
// option; runc talks to systemd through a pure-Go D-Bus client likewise.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/sys/fd.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime::dbus {

// Marshals values into a buffer whose offset 0 is 8-aligned in the message.
class Writer {
 public:
  void byte(uint8_t v);
  void boolean(bool v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void string(std::string_view s);
  void object_path(std::string_view s) { string(s); }
  void signature(std::string_view s);
  // An array: begin returns a token for end, which writes its byte length.
  // `element_alignment`: 8 for structs and dict entries, else the type's.
  struct ArrayToken {
    size_t length_at, start;
  };
  ArrayToken begin_array(size_t element_alignment);
  void end_array(ArrayToken t);
  void begin_struct() { align(8); }
  // A variant: its signature, then the value the caller writes.
  void begin_variant(std::string_view signature_of_value) { signature(signature_of_value); }
  const std::string& data() const { return buf_; }

 private:
  void align(size_t n);
  void raw(const void* p, size_t n) { buf_.append(static_cast<const char*>(p), n); }
  std::string buf_;
};

struct Call {
  std::string destination, path, interface, member;
  std::string signature;  // of the body
  std::string body;       // marshalled with a Writer
};

struct Reply {
  bool error = false;
  std::string error_name;  // "org.freedesktop.systemd1.UnitExists"
  std::string message;     // the error's text, or the reply's first string (or string property)
};

class Connection {
 public:
  // /run/systemd/private (systemd's own socket, root only) or the system bus
  // socket (then Hello is said first).
  static Result<Connection> open_system();
  // A systemd manager's own socket: a user's is $XDG_RUNTIME_DIR/systemd/private.
  static Result<Connection> open_private(const std::string& socket);
  // The call and its reply; signals that arrive meanwhile are skipped.
  Result<Reply> call(const Call& c);

 private:
  explicit Connection(sys::UniqueFd fd, bool bus) : fd_(std::move(fd)), bus_(bus) {}
  Result<> authenticate();
  Result<Reply> read_reply(uint32_t serial);
  sys::UniqueFd fd_;
  bool bus_ = false;
  uint32_t serial_ = 0;
};

// The whole message for a call (exposed for the unit tests).
std::string encode_call(const Call& c, uint32_t serial);

}  // namespace mcrun::runtime::dbus
