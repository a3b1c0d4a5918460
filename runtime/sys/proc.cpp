#include "runtime/sys/proc.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

#include "runtime/sys/syscalls.hpp"

namespace mcrun::sys {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mountinfo(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    auto octal = [&](size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '7'; };
    if (s[i] == '\\' && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::optional<MountEntry> mount_holding(const std::string& path) {
  auto info = read_file("/proc/self/mountinfo");
  if (!info) return std::nullopt;
  std::optional<MountEntry> best;
  for (auto line : split(*info, '\n')) {
    // id parent major:minor root mountpoint options [optional fields...] - ...
    auto f = split(line, ' ');
    if (f.size() < 7) continue;
    std::string mp = unescape_mountinfo(f[4]);
    bool under = mp == "/" || path == mp || path.starts_with(mp + "/");
    if (!under || (best && mp.size() < best->mount_point.size())) continue;
    best = MountEntry{mp, false};
    for (size_t i = 6; i < f.size() && f[i] != "-"; ++i)
      best->shared |= f[i].starts_with("shared:");
  }
  return best;
}

std::optional<ProcStat> proc_stat(pid_t pid) {
  auto text = read_generated("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  // "pid (comm) S ppid ..." — comm may hold spaces and parens: the fields
  // start after the last ')'. f[0] is field 3 of proc(5).
  auto close = text->rfind(')');
  if (close == std::string::npos || close + 2 >= text->size()) return std::nullopt;
  auto f = split(std::string_view(*text).substr(close + 2), ' ');
  if (f.size() < 22) return std::nullopt;
  auto num = [&](size_t field) {
    return std::strtoull(std::string(f[field - 3]).c_str(), nullptr, 10);
  };
  ProcStat st;
  st.state = f[0].empty() ? '?' : f[0][0];
  st.ppid = static_cast<pid_t>(num(4));
  st.session = static_cast<pid_t>(num(6));
  st.user_ticks = num(14) + num(16);    // utime + cutime
  st.system_ticks = num(15) + num(17);  // stime + cstime
  st.start_time = num(22);
  st.rss_bytes = num(24) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  return st;
}

bool process_alive(pid_t pid, uint64_t expected_start) {
  if (pid <= 0) return false;
  auto st = proc_stat(pid);
  if (!st || st->state == 'Z' || st->state == 'X') return false;
  return expected_start == 0 || st->start_time == expected_start;
}

namespace {
std::vector<pid_t> all_pids() {
  std::vector<pid_t> out;
  DIR* dir = ::opendir("/proc");
  if (!dir) return out;
  while (dirent* e = ::readdir(dir)) {
    char* end;
    long v = std::strtol(e->d_name, &end, 10);
    if (*end == '\0' && v > 0) out.push_back(static_cast<pid_t>(v));
  }
  ::closedir(dir);
  return out;
}
std::optional<ino_t> pid_ns_inode(pid_t pid) {
  struct stat st;
  std::string path = "/proc/" + std::to_string(pid) + "/ns/pid";
  if (::stat(path.c_str(), &st) < 0) return std::nullopt;
  return st.st_ino;
}
}  // namespace

std::vector<pid_t> pids_in_pid_namespace_of(pid_t pid) {
  std::vector<pid_t> out;
  auto ns = pid_ns_inode(pid);
  if (!ns) return out;
  for (pid_t p : all_pids())
    if (pid_ns_inode(p) == ns) out.push_back(p);
  return out;
}

std::vector<pid_t> session_members(pid_t sid) {
  std::vector<pid_t> out;
  for (pid_t p : all_pids())
    if (auto st = proc_stat(p); st && st->session == sid) out.push_back(p);
  return out;
}

std::vector<pid_t> descendants_of(pid_t pid) {
  std::multimap<pid_t, pid_t> children;
  for (pid_t p : all_pids())
    if (auto st = proc_stat(p)) children.emplace(st->ppid, p);
  std::vector<pid_t> out{pid};
  for (size_t i = 0; i < out.size(); ++i) {
    auto [b, e] = children.equal_range(out[i]);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char sep, size_t max_parts) {
  std::vector<std::string_view> out;
  for (size_t pos = 0;;) {
    size_t end =
        (max_parts && out.size() + 1 == max_parts) ? std::string_view::npos : text.find(sep, pos);
    out.push_back(
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (end == std::string_view::npos) return out;
    pos = end + 1;
  }
}

}  // namespace mcrun::sys
