// Reading /proc about a process: its start time (to tell a recycled pid from
// the container's init) and whether it is alive or a zombie.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcrun::sys {

struct ProcStat {
  char state = '?';  // R, S, D, Z, T, ...
  pid_t ppid = 0;
  pid_t session = 0;
  uint64_t start_time = 0;                    // clock ticks since boot
  uint64_t user_ticks = 0, system_ticks = 0;  // its own and its reaped children's
  uint64_t rss_bytes = 0;
};

// /proc/<pid>/stat; nullopt when the process does not exist.
std::optional<ProcStat> proc_stat(pid_t pid);

// Alive = exists, not a zombie, and (when expected_start != 0) started when we think.
bool process_alive(pid_t pid, uint64_t expected_start);

// The fields of the text formats of /proc and /etc: "a:b:" -> "a", "b", "".
// With max_parts, the last part keeps the rest unsplit ("0::/a:b", ':', 3 ->
// "0", "", "/a:b"). Lines are split(text, '\n').
std::vector<std::string_view> split(std::string_view text, char sep, size_t max_parts = 0);

// The mount of the caller's mount namespace that holds `path` (absolute,
// without symlinks): the longest mount point that is a prefix of it by whole
// components, the later line winning a tie (it is mounted on top).
struct MountEntry {
  std::string mount_point;
  bool shared = false;  // has a "shared:N" peer group
};
std::optional<MountEntry> mount_holding(const std::string& path);

// Host pids of every process whose pid namespace is that of `pid`.
std::vector<pid_t> pids_in_pid_namespace_of(pid_t pid);
// Every process of session `sid` (a session outlives its leader; the kernel
// does not reuse its id while any member lives).
std::vector<pid_t> session_members(pid_t sid);
// `pid` and all its descendants (for containers that share the host pid ns).
std::vector<pid_t> descendants_of(pid_t pid);

}  // namespace mcrun::sys
