// rtnetlink (NETLINK_ROUTE): a request and its acknowledgement, a dump and
// its messages. Just what moving a network device needs; the socket acts on
// the network namespace it was opened in.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/sys/fd.hpp"
#include "spec/error.hpp"

namespace mcrun::sys {

// One message being built: the netlink header, the family's fixed header
// (ifinfomsg, ifaddrmsg), then attributes.
class NetlinkMessage {
 public:
  NetlinkMessage(uint16_t type, uint16_t flags, const void* header, size_t size);
  void attr(uint16_t type, const void* data, size_t size);
  void attr_u32(uint16_t type, uint32_t v) { attr(type, &v, sizeof v); }
  void attr_string(uint16_t type, std::string_view s);  // NUL-terminated
  std::vector<char>& finish(uint32_t seq, uint16_t more_flags);

 private:
  std::vector<char> buf_;
};

// A received message's payload after the netlink header, and its attributes.
struct NetlinkReply {
  uint16_t type = 0;
  std::string payload;
  // The attributes after a fixed header of `header_size` bytes: (type, data).
  std::vector<std::pair<uint16_t, std::string_view>> attrs(size_t header_size) const;
};

class Netlink {
 public:
  // A NETLINK_ROUTE socket in the caller's network namespace.
  static Result<Netlink> open();
  // Sends `m` with NLM_F_ACK; the kernel's error, if any, as an errno.
  Result<> request(NetlinkMessage& m);
  // Sends a request answered by messages (RTM_GETLINK of one index); those
  // that came before the acknowledgement.
  Result<std::vector<NetlinkReply>> get(NetlinkMessage& m);
  // Sends a NLM_F_DUMP request; every message until NLMSG_DONE.
  Result<std::vector<NetlinkReply>> dump(NetlinkMessage& m);

 private:
  explicit Netlink(UniqueFd fd) : fd_(std::move(fd)) {}
  Result<> send(NetlinkMessage& m, uint16_t flags);
  UniqueFd fd_;
  uint32_t seq_ = 0;
};

}  // namespace mcrun::sys
