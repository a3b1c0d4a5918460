#include "runtime/cgroup/systemd_devices.hpp"

#include <optional>

namespace mcrun::runtime {
namespace {

constexpr unsigned kRead = 1, kWrite = 2, kMknod = 4, kAll = kRead | kWrite | kMknod;

// One rule's set of requests: a type ('a' any), a major and a minor (-1 any)
// and the access bits.
struct Range {
  char type;
  int64_t major, minor;
  unsigned access;
};

Range range_of(const spec::DeviceRule& r) {
  std::string type = r.type.value_or("a");
  unsigned access = 0;
  for (char c : r.access.value_or("rwm"))
    access |= c == 'r' ? kRead : c == 'w' ? kWrite : c == 'm' ? kMknod : 0;
  auto number = [](const std::optional<int64_t>& v) { return v && *v >= 0 ? *v : -1; };
  // 'u' (unbuffered) is a character device; 'p' (a FIFO) is no device
  // cgroup's business.
  char t = type.empty() ? 'a' : type[0] == 'u' ? 'c' : type[0];
  return {t, number(r.major), number(r.minor), t == 'p' ? 0 : access};
}

bool same_or_any(int64_t a, int64_t b) { return a < 0 || b < 0 || a == b; }

bool intersects(const Range& a, const Range& b) {
  return (a.type == 'a' || b.type == 'a' || a.type == b.type) && same_or_any(a.major, b.major) &&
         same_or_any(a.minor, b.minor) && (a.access & b.access);
}

// Every device of `e` is one of `d`'s.
bool covers(const Range& d, const Range& e) {
  return (d.type == 'a' || d.type == e.type) && (d.major < 0 || d.major == e.major) &&
         (d.minor < 0 || d.minor == e.minor);
}

struct Allowlist {
  bool all = false;  // everything, nothing excepted
  std::vector<Range> ranges;
};

// The rules as an allowlist, or nothing if none says the same: the rules
// in order from deny-all, each allow adding a range, each deny taking its
// access out of the ranges it covers.
std::optional<Allowlist> reduce(const std::vector<spec::DeviceRule>& rules) {
  Allowlist list;
  for (const auto& rule : rules) {
    Range r = range_of(rule);
    if (r.access == 0) continue;
    if (r.type == 'a' && r.major < 0 && r.minor < 0 && r.access == kAll) {
      list = Allowlist{rule.allow, {}};
      continue;
    }
    if (list.all) {
      if (rule.allow) continue;
      return std::nullopt;  // a denylist
    }
    if (rule.allow) {
      list.ranges.push_back(r);
      continue;
    }
    std::vector<Range> kept;
    for (Range e : list.ranges) {
      if (intersects(r, e)) {
        if (!covers(r, e)) return std::nullopt;  // a hole in a wider range
        e.access &= ~r.access;
      }
      if (e.access) kept.push_back(e);
    }
    list.ranges = std::move(kept);
  }
  return list;
}

std::string access_text(unsigned a) {
  std::string s;
  if (a & kRead) s += 'r';
  if (a & kWrite) s += 'w';
  if (a & kMknod) s += 'm';
  return s;
}

// DeviceAllow's path for one type ('c' or 'b'), or "" for "*:n", which
// systemd cannot say.
std::string allow_path(char type, const Range& e) {
  std::string group = type == 'b' ? "block-" : "char-";
  if (e.major < 0) return e.minor < 0 ? group + "*" : "";
  if (e.minor < 0) return group + std::to_string(e.major);  // systemd >= 240
  return std::string(type == 'b' ? "/dev/block/" : "/dev/char/") + std::to_string(e.major) + ":" +
         std::to_string(e.minor);
}

}  // namespace

SystemdDevices systemd_devices(const std::vector<spec::DeviceRule>& rules, bool v2) {
  auto list = reduce(rules);
  if (!list)
    return v2 ? SystemdDevices{"auto", {}, ""}
              : SystemdDevices{"strict",
                               {},
                               "systemd takes device allowlists only, and these rules deny part "
                               "of what they allow: a daemon-reload will close every device"};
  if (list->all) return {"auto", {}, ""};
  SystemdDevices d{"strict", {}, ""};
  for (const Range& e : list->ranges) {
    for (char type : e.type == 'a' ? std::string("cb") : std::string(1, e.type)) {
      std::string path = allow_path(type, e);
      if (path.empty()) {
        d.inexact = "systemd cannot allow a minor number of every major (" + std::string(1, type) +
                    " *:" + std::to_string(e.minor) + "): a daemon-reload will close it";
        continue;
      }
      d.allow.push_back({path, access_text(e.access)});
    }
  }
  // On v2 systemd's filter is enforced beside mcrun's from the start: a
  // stricter one would withhold devices now, not only after a reload.
  if (v2 && !d.inexact.empty()) return {"auto", {}, ""};
  return d;
}

}  // namespace mcrun::runtime
