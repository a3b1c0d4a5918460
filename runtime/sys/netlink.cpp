#include "runtime/sys/netlink.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "runtime/sys/syscalls.hpp"

namespace mcrun::sys {
namespace {

constexpr size_t align(size_t n) { return NLMSG_ALIGN(n); }

nlmsghdr* header_of(std::vector<char>& buf) { return reinterpret_cast<nlmsghdr*>(buf.data()); }

// Replies to our last request: each datagram holds one or more messages.
// An NLMSG_ERROR carries the kernel's answer (0: the acknowledgement).
Result<std::vector<NetlinkReply>> receive(int fd, uint32_t seq, bool dump) {
  std::vector<NetlinkReply> out;
  std::vector<char> buf(1 << 16);
  for (;;) {
    ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno("netlink: receive");
    size_t left = static_cast<size_t>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, left);
         h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_seq != seq) continue;
      if (h->nlmsg_type == NLMSG_DONE) return out;
      if (h->nlmsg_type == NLMSG_ERROR) {
        int error = reinterpret_cast<nlmsgerr*>(NLMSG_DATA(h))->error;
        if (error != 0) return fail("netlink", -error);
        if (!dump) return out;
        continue;
      }
      out.push_back({h->nlmsg_type, std::string(static_cast<const char*>(NLMSG_DATA(h)),
                                                h->nlmsg_len - NLMSG_HDRLEN)});
    }
  }
}

}  // namespace

NetlinkMessage::NetlinkMessage(uint16_t type, uint16_t flags, const void* header, size_t size)
    : buf_(NLMSG_HDRLEN + align(size)) {
  nlmsghdr* h = header_of(buf_);
  h->nlmsg_type = type;
  h->nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | flags);
  std::memcpy(buf_.data() + NLMSG_HDRLEN, header, size);
}

void NetlinkMessage::attr(uint16_t type, const void* data, size_t size) {
  nlattr a{static_cast<uint16_t>(NLA_HDRLEN + size), type};
  size_t at = buf_.size();
  buf_.resize(at + align(NLA_HDRLEN + size));
  std::memcpy(buf_.data() + at, &a, sizeof a);
  std::memcpy(buf_.data() + at + NLA_HDRLEN, data, size);
}

void NetlinkMessage::attr_string(uint16_t type, std::string_view s) {
  std::string z(s);
  attr(type, z.c_str(), z.size() + 1);
}

std::vector<char>& NetlinkMessage::finish(uint32_t seq, uint16_t more_flags) {
  header_of(buf_)->nlmsg_len = static_cast<uint32_t>(buf_.size());
  header_of(buf_)->nlmsg_flags |= more_flags;
  header_of(buf_)->nlmsg_seq = seq;
  return buf_;
}

std::vector<std::pair<uint16_t, std::string_view>> NetlinkReply::attrs(size_t header_size) const {
  std::vector<std::pair<uint16_t, std::string_view>> out;
  size_t at = align(header_size);
  while (at + NLA_HDRLEN <= payload.size()) {
    nlattr a;
    std::memcpy(&a, payload.data() + at, sizeof a);
    if (a.nla_len < NLA_HDRLEN || at + a.nla_len > payload.size()) break;
    out.emplace_back(a.nla_type & NLA_TYPE_MASK,
                     std::string_view(payload).substr(at + NLA_HDRLEN, a.nla_len - NLA_HDRLEN));
    at += align(a.nla_len);
  }
  return out;
}

Result<Netlink> Netlink::open() {
  auto fd = sys::socket(AF_NETLINK, SOCK_RAW);
  if (!fd) return std::unexpected(std::move(fd.error()).context("netlink"));
  return Netlink(std::move(*fd));
}

Result<> Netlink::send(NetlinkMessage& m, uint16_t flags) {
  auto& buf = m.finish(++seq_, flags);
  sockaddr_nl to{};
  to.nl_family = AF_NETLINK;
  ssize_t n;
  do
    n = ::sendto(fd_.get(), buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  while (n < 0 && errno == EINTR);
  if (n < 0) return fail_errno("netlink: send");
  return {};
}

Result<> Netlink::request(NetlinkMessage& m) {
  MCRUN_CHECK(send(m, NLM_F_ACK));
  auto r = receive(fd_.get(), seq_, false);
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<std::vector<NetlinkReply>> Netlink::get(NetlinkMessage& m) {
  MCRUN_CHECK(send(m, NLM_F_ACK));
  return receive(fd_.get(), seq_, false);
}

Result<std::vector<NetlinkReply>> Netlink::dump(NetlinkMessage& m) {
  MCRUN_CHECK(send(m, NLM_F_DUMP));
  return receive(fd_.get(), seq_, true);
}

}  // namespace mcrun::sys
