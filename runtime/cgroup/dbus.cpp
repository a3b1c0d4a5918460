#include "runtime/cgroup/dbus.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime::dbus {
namespace {

enum : uint8_t { kMethodCall = 1, kMethodReturn = 2, kError = 3 };
enum : uint8_t {
  kPath = 1,
  kInterface = 2,
  kMember = 3,
  kErrorName = 4,
  kReplySerial = 5,
  kDestination = 6,
  kSignature = 8
};
constexpr uint32_t kMaxMessage = 1 << 20;
// sd-bus's default method-call timeout: a peer that never answers makes the
// call fail (naming it) instead of blocking create or delete forever.
constexpr timeval kCallTimeout{.tv_sec = 25, .tv_usec = 0};

std::unexpected<Error> socket_error(const char* what) {
  if (errno == EAGAIN || errno == EWOULDBLOCK)
    return fail(std::string("dbus: ") + what + ": systemd did not answer within " +
                    std::to_string(kCallTimeout.tv_sec) + " s",
                ETIMEDOUT);
  return fail_errno(std::string("dbus: ") + what);
}

// Reads a received message; offsets are from the message's start, where
// alignment is counted. Every read is bounds-checked: a short or malformed
// message makes ok() false, never an overrun.
class Reader {
 public:
  explicit Reader(std::string_view m) : m_(m) {}
  bool ok() const { return ok_; }
  size_t pos() const { return pos_; }
  void seek(size_t p) { pos_ = p; }
  void align(size_t n) { pos_ = (pos_ + n - 1) / n * n; }
  uint8_t byte() {
    if (!need(1)) return 0;
    return static_cast<uint8_t>(m_[pos_++]);
  }
  uint32_t u32() {
    align(4);
    if (!need(4)) return 0;
    uint32_t v;
    std::memcpy(&v, m_.data() + pos_, 4);
    pos_ += 4;
    return v;
  }
  std::string string() {
    uint32_t n = u32();
    return take(n);
  }
  std::string signature() {
    uint8_t n = byte();
    return take(n);
  }
  // Skips a header field's value of a basic type; false for any other.
  bool skip(char type) {
    switch (type) {
      case 'y':
        return byte(), true;
      case 'u':
      case 'b':
        return u32(), true;
      case 's':
      case 'o':
        return string(), true;
      case 'g':
        return signature(), true;
      default:
        return ok_ = false;
    }
  }

 private:
  bool need(size_t n) {
    if (pos_ > m_.size() || m_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  std::string take(size_t n) {
    if (!need(n + 1)) return {};
    std::string s(m_.substr(pos_, n));
    pos_ += n + 1;  // and the NUL
    return s;
  }
  std::string_view m_;
  size_t pos_ = 0;
  bool ok_ = true;
};

Result<> send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return socket_error("send");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<std::string> recv_exactly(int fd, size_t n) {
  std::string out(n, '\0');
  for (size_t got = 0; got < n;) {
    ssize_t r = ::recv(fd, out.data() + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return socket_error("recv");
    if (r == 0) return fail("dbus: the peer closed the connection");
    got += static_cast<size_t>(r);
  }
  return out;
}

Result<std::string> recv_line(int fd) {
  std::string line;
  while (line.size() < 512) {
    char c;
    ssize_t r = ::recv(fd, &c, 1, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return socket_error("authentication");
    if (r == 0) return fail("dbus: authentication: the peer closed the connection");
    line += c;
    if (line.ends_with("\r\n")) return line;
  }
  return fail("dbus: authentication: overlong line");
}

Result<sys::UniqueFd> connect_unix(const char* path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail_errno("dbus: socket");
  sys::UniqueFd owned(fd);
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &kCallTimeout, sizeof kCallTimeout) < 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &kCallTimeout, sizeof kCallTimeout) < 0)
    return fail_errno("dbus: setsockopt");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
    return fail_errno(std::string("dbus: connect ") + path);
  return owned;
}

void header_field(Writer& w, uint8_t code, char type, std::string_view value) {
  w.begin_struct();
  w.byte(code);
  w.begin_variant(std::string_view(&type, 1));
  if (type == 'g')
    w.signature(value);
  else
    w.string(value);
}

}  // namespace

void Writer::align(size_t n) {
  while (buf_.size() % n) buf_ += '\0';
}
void Writer::byte(uint8_t v) { raw(&v, 1); }
void Writer::boolean(bool v) { u32(v ? 1 : 0); }
void Writer::u32(uint32_t v) {
  align(4);
  raw(&v, 4);
}
void Writer::u64(uint64_t v) {
  align(8);
  raw(&v, 8);
}
void Writer::string(std::string_view s) {
  u32(static_cast<uint32_t>(s.size()));
  raw(s.data(), s.size());
  byte(0);
}
void Writer::signature(std::string_view s) {
  byte(static_cast<uint8_t>(s.size()));
  raw(s.data(), s.size());
  byte(0);
}
Writer::ArrayToken Writer::begin_array(size_t element_alignment) {
  align(4);
  size_t at = buf_.size();
  u32(0);
  align(element_alignment);  // padding before the first element is not counted
  return {at, buf_.size()};
}
void Writer::end_array(ArrayToken t) {
  auto n = static_cast<uint32_t>(buf_.size() - t.start);
  std::memcpy(buf_.data() + t.length_at, &n, 4);
}

std::string encode_call(const Call& c, uint32_t serial) {
  Writer h;
  h.byte('l');
  h.byte(kMethodCall);
  h.byte(0);  // flags
  h.byte(1);  // protocol version
  h.u32(static_cast<uint32_t>(c.body.size()));
  h.u32(serial);
  auto fields = h.begin_array(8);
  header_field(h, kPath, 'o', c.path);
  if (!c.interface.empty()) header_field(h, kInterface, 's', c.interface);
  header_field(h, kMember, 's', c.member);
  if (!c.destination.empty()) header_field(h, kDestination, 's', c.destination);
  if (!c.signature.empty()) header_field(h, kSignature, 'g', c.signature);
  h.end_array(fields);
  h.begin_struct();  // the header ends 8-aligned
  return h.data() + c.body;
}

Result<Connection> Connection::open_private(const std::string& socket) {
  auto fd = connect_unix(socket.c_str());
  if (!fd) return std::unexpected(fd.error());
  Connection conn(std::move(*fd), false);
  MCRUN_CHECK(conn.authenticate());
  return conn;
}

Result<Connection> Connection::open_system() {
  bool bus = false;
  auto fd = connect_unix("/run/systemd/private");
  if (!fd) {
    fd = connect_unix("/run/dbus/system_bus_socket");
    bus = true;
  }
  if (!fd)
    return fail(
        "systemd cgroup driver: cannot reach systemd (/run/systemd/private, the "
        "system bus): is systemd running as PID 1?",
        fd.error().code);
  Connection conn(std::move(*fd), bus);
  MCRUN_CHECK(conn.authenticate());
  if (bus) {
    auto hello = conn.call(
        {"org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello", "", ""});
    if (!hello) return std::unexpected(hello.error());
    if (hello->error) return fail("dbus: Hello: " + hello->error_name + ": " + hello->message);
  }
  return conn;
}

// EXTERNAL without an identity: the server takes ours from the socket
// (SO_PEERCRED), answers DATA, and our empty DATA accepts it. Claiming a uid
// instead would fail in a user namespace (podman's rootless one), where
// geteuid() is 0 and the kernel shows the server our uid outside it. sd-bus's
// clients authenticate the same way. BEGIN goes in the same write, before the
// OK, and the call only after the OK: nothing may reach the server together
// with BEGIN. sd-bus as a server (it is systemd's) switches to messages when
// it parses BEGIN, and a call that came in the same read stays in its buffer
// unparsed until more bytes arrive, so a client sending BEGIN and its call
// back to back waits forever whenever the two are read at once
// (SystemdCgroup.EveryCallGetsItsAnswer).
Result<> Connection::authenticate() {
  MCRUN_CHECK(send_all(fd_.get(), std::string("\0", 1) + "AUTH EXTERNAL\r\nDATA\r\nBEGIN\r\n"));
  for (;;) {
    auto line = recv_line(fd_.get());
    if (!line) return std::unexpected(line.error());
    if (line->starts_with("OK ")) return {};
    if (*line != "DATA\r\n")
      return fail("dbus: authentication refused: " + line->substr(0, line->size() - 2));
  }
}

Result<Reply> Connection::call(const Call& c) {
  uint32_t serial = ++serial_;
  MCRUN_CHECK(send_all(fd_.get(), encode_call(c, serial)));
  return read_reply(serial);
}

Result<Reply> Connection::read_reply(uint32_t serial) {
  for (;;) {
    auto fixed = recv_exactly(fd_.get(), 16);
    if (!fixed) return std::unexpected(fixed.error());
    Reader head(*fixed);
    if (head.byte() != 'l') return fail("dbus: a big-endian message (not spoken here)");
    uint8_t type = head.byte();
    head.byte();
    head.byte();
    uint32_t body_len = head.u32();
    head.u32();
    uint32_t fields_len = head.u32();
    size_t header_len = (16 + static_cast<size_t>(fields_len) + 7) / 8 * 8;
    if (fields_len > kMaxMessage || body_len > kMaxMessage) return fail("dbus: oversized message");
    auto rest = recv_exactly(fd_.get(), header_len - 16 + body_len);
    if (!rest) return std::unexpected(rest.error());
    std::string msg = *fixed + *rest;
    Reader r(msg);
    r.seek(16);
    uint32_t reply_to = 0;
    std::string error_name, signature;
    while (r.ok() && r.pos() < 16 + fields_len) {
      r.align(8);
      uint8_t code = r.byte();
      std::string sig = r.signature();
      if (sig.size() != 1) return fail("dbus: malformed header field");
      if (code == kReplySerial && sig == "u")
        reply_to = r.u32();
      else if (code == kErrorName && sig == "s")
        error_name = r.string();
      else if (code == kSignature && sig == "g")
        signature = r.signature();
      else if (!r.skip(sig[0]))
        return fail("dbus: malformed header field");
    }
    if (!r.ok()) return fail("dbus: malformed message");
    if ((type != kMethodReturn && type != kError) || reply_to != serial) continue;  // signals
    Reply reply;
    reply.error = type == kError;
    reply.error_name = error_name;
    r.seek(header_len);
    std::string first = signature.substr(0, 1);
    if (first == "v") first = r.signature();  // a property's value
    if (first == "s" || first == "o") reply.message = r.string();
    return reply;
  }
}

}  // namespace mcrun::runtime::dbus
