#include "runtime/process/sync.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mcrun::runtime {
namespace {
struct Header {
  uint32_t type;
  int32_t code;
  int64_t value;
};
constexpr size_t kMaxText = 60000;

// One recv(2), retried on EINTR. A peer that exited with messages unread
// shows as ECONNRESET on a seqpacket socket: no message, as an orderly close.
Result<size_t> recv_retrying(int fd, void* buf, size_t len, int flags) {
  ssize_t n;
  do n = ::recv(fd, buf, len, flags);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == ECONNRESET) return 0;
  if (n < 0) return fail_errno("receive from sync socket");
  return static_cast<size_t>(n);
}
}  // namespace

Result<> sync_send(int fd, const SyncMessage& m) {
  std::string buf(sizeof(Header), '\0');
  Header h{static_cast<uint32_t>(m.type), m.code, m.value};
  std::memcpy(buf.data(), &h, sizeof h);
  buf += m.text.substr(0, kMaxText);
  ssize_t n;
  do n = ::send(fd, buf.data(), buf.size(), MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return fail_errno("send to sync socket");
  return {};
}

Result<std::optional<SyncMessage>> sync_recv(int fd) {
  // A seqpacket message is read whole or truncated, so its size is asked
  // first (MSG_TRUNC gives the real length) rather than zeroing a buffer of
  // the largest size for every message: in the init, just cloned, each page
  // of such a buffer is a copy-on-write fault.
  auto size = recv_retrying(fd, nullptr, 0, MSG_PEEK | MSG_TRUNC);
  if (!size) return std::unexpected(size.error());
  if (*size == 0) return std::nullopt;
  std::string buf(std::min(*size, sizeof(Header) + kMaxText), '\0');
  auto n = recv_retrying(fd, buf.data(), buf.size(), 0);
  if (!n) return std::unexpected(n.error());
  if (*n == 0) return std::nullopt;
  if (*n < sizeof(Header)) return fail("sync socket: short message");
  Header h;
  std::memcpy(&h, buf.data(), sizeof h);
  return SyncMessage{static_cast<SyncType>(h.type), h.code, h.value,
                     buf.substr(sizeof h, *n - sizeof h)};
}

Result<SyncMessage> sync_expect(int fd, SyncType type, std::string_view peer) {
  auto m = sync_recv(fd);
  if (!m) return std::unexpected(m.error());
  if (!*m) return fail(std::string(peer) + " exited before it reported", 0, ErrorKind::PeerExited);
  if ((*m)->type == SyncType::Error) return std::unexpected(error_of(**m));
  if ((*m)->type != type) return fail(std::string(peer) + " sent an unexpected message");
  return std::move(**m);
}

}  // namespace mcrun::runtime
