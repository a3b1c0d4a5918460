#include "runtime/sys/proc.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "runtime/sys/syscalls.hpp"

namespace mcrun::sys {

std::optional<ProcStat> proc_stat(pid_t pid) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/stat", 4096);
  if (!text) return std::nullopt;
  // "pid (comm) S ppid ..." — comm may hold spaces and parens: parse after the last ')'.
  auto close = text->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::vector<std::string> fields;  // fields[0] = state (field 3)
  size_t pos = close + 2;
  while (pos < text->size()) {
    size_t end = text->find(' ', pos);
    if (end == std::string::npos) end = text->size();
    fields.push_back(text->substr(pos, end - pos));
    pos = end + 1;
  }
  if (fields.size() < 20) return std::nullopt;
  ProcStat st;
  st.state = fields[0].empty() ? '?' : fields[0][0];
  st.ppid = static_cast<pid_t>(std::stol(fields[1]));
  st.start_time = std::stoull(fields[19]);  // field 22
  return st;
}

std::optional<ProcTimes> proc_times(pid_t pid) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/stat", 4096);
  if (!text) return std::nullopt;
  auto close = text->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::vector<std::string> f;
  size_t pos = close + 2;
  while (pos < text->size()) {
    size_t end = text->find(' ', pos);
    if (end == std::string::npos) end = text->size();
    f.push_back(text->substr(pos, end - pos));
    pos = end + 1;
  }
  if (f.size() < 22) return std::nullopt;
  // Fields 14-17 (utime stime cutime cstime) and 24 (rss, in pages); f[0] is field 3.
  ProcTimes t;
  t.user_ticks = std::stoull(f[11]) + std::stoull(f[13]);
  t.system_ticks = std::stoull(f[12]) + std::stoull(f[14]);
  t.rss_bytes = std::stoull(f[21]) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  return t;
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
    size_t end = (max_parts && out.size() + 1 == max_parts) ? std::string_view::npos : text.find(sep, pos);
    out.push_back(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (end == std::string_view::npos) return out;
    pos = end + 1;
  }
}

}  // namespace mcrun::sys
