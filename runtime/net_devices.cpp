#include "runtime/net_devices.hpp"

#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>

#include <cstring>
#include <optional>
#include <vector>

#include "runtime/sys/netlink.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {

using sys::Netlink;
using sys::NetlinkMessage;

// An address to give back: its fixed header and the attributes that make it.
struct Address {
  ifaddrmsg header;
  std::vector<std::pair<uint16_t, std::string>> attrs;
};

// The device's permanent addresses of global scope, of any family.
Result<std::vector<Address>> permanent_addresses(Netlink& nl, int index) {
  ifaddrmsg want{};
  NetlinkMessage m(RTM_GETADDR, 0, &want, sizeof want);
  auto replies = nl.dump(m);
  if (!replies) return std::unexpected(replies.error());
  std::vector<Address> out;
  for (const auto& r : *replies) {
    if (r.type != RTM_NEWADDR || r.payload.size() < sizeof(ifaddrmsg)) continue;
    Address a;
    std::memcpy(&a.header, r.payload.data(), sizeof a.header);
    uint32_t flags = a.header.ifa_flags;
    for (auto [type, data] : r.attrs(sizeof(ifaddrmsg))) {
      if (type == IFA_FLAGS && data.size() == sizeof flags) std::memcpy(&flags, data.data(), 4);
      if (type == IFA_LOCAL || type == IFA_ADDRESS || type == IFA_BROADCAST)
        a.attrs.emplace_back(type, std::string(data));
    }
    if (static_cast<int>(a.header.ifa_index) == index && a.header.ifa_scope == RT_SCOPE_UNIVERSE &&
        (flags & IFA_F_PERMANENT))
      out.push_back(std::move(a));
  }
  return out;
}

// The link's hardware address (empty if it has none): asked of that link
// alone, not of the host's whole link table.
Result<std::string> hardware_address(Netlink& nl, int index) {
  ifinfomsg want{};
  want.ifi_index = index;
  NetlinkMessage m(RTM_GETLINK, 0, &want, sizeof want);
  auto replies = nl.get(m);
  if (!replies) return std::unexpected(replies.error());
  for (const auto& r : *replies) {
    if (r.type != RTM_NEWLINK || r.payload.size() < sizeof(ifinfomsg)) continue;
    for (auto [type, data] : r.attrs(sizeof(ifinfomsg)))
      if (type == IFLA_ADDRESS) return std::string(data);
  }
  return std::string();
}

// A device in the namespace `nl` acts on: by its name, or, for a "%d"
// template the kernel fills in, by its hardware address.
Result<std::optional<int>> find_link(Netlink& nl, const std::string& name, const std::string& mac) {
  ifinfomsg want{};
  NetlinkMessage m(RTM_GETLINK, 0, &want, sizeof want);
  auto replies = nl.dump(m);
  if (!replies) return std::unexpected(replies.error());
  const bool pattern = name.find('%') != std::string::npos;
  for (const auto& r : *replies) {
    ifinfomsg info;
    if (r.type != RTM_NEWLINK || r.payload.size() < sizeof info) continue;
    std::memcpy(&info, r.payload.data(), sizeof info);
    for (auto [type, data] : r.attrs(sizeof info))
      if ((!pattern && type == IFLA_IFNAME && std::string(data.data()) == name) ||
          (pattern && !mac.empty() && type == IFLA_ADDRESS && data == mac))
        return std::optional<int>(info.ifi_index);
  }
  return std::optional<int>();
}

// A netlink socket in the network namespace `netns_fd`: made there, then
// this thread goes back to its own.
Result<Netlink> open_in(int netns_fd) {
  auto own = sys::open_path("/proc/thread-self/ns/net", O_RDONLY);
  if (!own) return std::unexpected(own.error());
  if (::setns(netns_fd, CLONE_NEWNET) < 0) return fail_errno("enter the network namespace");
  auto nl = Netlink::open();
  if (::setns(own->get(), CLONE_NEWNET) < 0) return fail_errno("return to our network namespace");
  return nl;
}

Result<> give_back(Netlink& nl, int index, const std::vector<Address>& addresses) {
  for (Address a : addresses) {
    a.header.ifa_index = static_cast<uint32_t>(index);
    NetlinkMessage m(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &a.header, sizeof a.header);
    for (const auto& [type, data] : a.attrs) m.attr(type, data.data(), data.size());
    MCRUN_CHECK_CTX(nl.request(m), "add its address");
  }
  ifinfomsg up{};
  up.ifi_index = index;
  up.ifi_flags = up.ifi_change = IFF_UP;
  NetlinkMessage m(RTM_NEWLINK, 0, &up, sizeof up);
  MCRUN_CHECK_CTX(nl.request(m), "set it up");
  return {};
}

Result<> move_one(Netlink& host, Netlink& inside, int netns_fd, const std::string& host_name,
                  const std::string& name) {
  const int index = static_cast<int>(::if_nametoindex(host_name.c_str()));
  if (index == 0) return fail_errno("no such device on the host");
  auto addresses = permanent_addresses(host, index);
  if (!addresses) return std::unexpected(addresses.error());
  auto mac = hardware_address(host, index);
  if (!mac) return std::unexpected(mac.error());
  // The kernel moves the device first and renames it after: a name taken
  // there would fail the rename with the device already moved (and lost
  // with the namespace, if virtual). So the name is checked first.
  if (name.find('%') == std::string::npos) {
    auto taken = find_link(inside, name, "");
    if (!taken) return std::unexpected(taken.error());
    if (*taken)
      return fail(
          "a device named " + quote(name) + " is in the container's network namespace already",
          EEXIST);
  }
  ifinfomsg link{};
  link.ifi_index = index;
  NetlinkMessage m(RTM_NEWLINK, 0, &link, sizeof link);
  m.attr_u32(IFLA_NET_NS_FD, static_cast<uint32_t>(netns_fd));
  if (name != host_name) m.attr_string(IFLA_IFNAME, name);
  MCRUN_CHECK_CTX(host.request(m), "move it into the container's network namespace");
  auto moved = find_link(inside, name, *mac);
  if (!moved) return std::unexpected(moved.error());
  if (!*moved) return fail("not found in the container's network namespace after the move", ENODEV);
  return give_back(inside, **moved, *addresses);
}

}  // namespace

Result<> move_net_devices(const std::map<std::string, spec::NetDevice>& devices, int netns_fd) {
  if (devices.empty()) return {};
  auto host = Netlink::open();
  if (!host) return std::unexpected(host.error());
  auto inside = open_in(netns_fd);
  if (!inside) return std::unexpected(inside.error());
  for (const auto& [host_name, d] : devices)
    MCRUN_CHECK_CTX(move_one(*host, *inside, netns_fd, host_name, d.name.value_or(host_name)),
                    "linux.netDevices: " + host_name);
  return {};
}

Result<> loopback_up() {
  auto nl = Netlink::open();
  if (!nl) return std::unexpected(std::move(nl.error()).context("set the loopback device up"));
  ifinfomsg up{};
  up.ifi_index = 1;  // lo is the first device of every network namespace
  up.ifi_flags = up.ifi_change = IFF_UP;
  NetlinkMessage m(RTM_NEWLINK, 0, &up, sizeof up);
  MCRUN_CHECK_CTX(nl->request(m), "set the loopback device up");
  return {};
}

}  // namespace mcrun::runtime
