// A live container's resources: pause/resume, its processes, usage samples,
// update of its limits.
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "hooks/hook.hpp"
#include "runtime/cgroup/cgroups.hpp"
#include "runtime/cgroup/systemd.hpp"
#include "runtime/container.hpp"
#include "runtime/container_internal.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/sys/proc.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"
#include "runtime/warn.hpp"
#include "spec/json_reader.hpp"

namespace mcrun::runtime {

using namespace detail;

Result<> pause_container(const std::string& root, const std::string& id, bool pause) {
  auto c = load_locked(root, id);
  if (!c) return std::unexpected(c.error());
  if (c->record.cgroup_path.empty())
    return fail("container " + quote(id) + " has no cgroup (POSIX mode): it cannot be " +
                (pause ? "paused" : "resumed"));
  auto want = pause ? spec::Status::Running : spec::Status::Paused;
  if (c->status != want && pause) return fail(not_running(id, c->status, "pause"));
  if (c->status != want) return fail(status_error(id, c->status, "resume", "it must be paused"));
  return cgroup_of(c->record).set_frozen(pause);
}

Result<std::vector<pid_t>> container_processes(const std::string& root, const std::string& id) {
  auto c = load_locked(root, id);
  if (!c) return std::unexpected(c.error());
  if (c->status == spec::Status::Stopped) return std::vector<pid_t>{};
  return container_pids(c->record);
}

Result<UsageMonitor> UsageMonitor::open(const std::string& root, const std::string& id) {
  auto dir = ContainerDir::open_unlocked(root, id);
  if (!dir) return std::unexpected(dir.error());
  if (!dir->has_record()) return fail("container " + quote(id) + " is stopped");
  auto record = dir->load();
  if (!record) return std::unexpected(record.error());
  return UsageMonitor(std::move(*record));
}

Result<Usage> UsageMonitor::sample() const {
  const std::string& id = record_.state.id;
  if (!sys::process_alive(record_.state.pid, record_.init_start_time))
    return fail("container " + quote(id) + " is stopped");
  Usage u;
  if (!record_.cgroup_path.empty()) {
    u.stats = cgroup_of(record_).stats();
    return u;
  }
  // POSIX mode: no cgroup, so add up the processes themselves from /proc.
  u.from_proc = true;
  auto pids = container_pids(record_);
  u.stats.pids_current = pids.size();
  long tick_ns = 1000000000L / ::sysconf(_SC_CLK_TCK);
  for (pid_t p : pids) {
    if (auto t = sys::proc_stat(p)) {
      u.stats.cpu_user_ns += t->user_ticks * static_cast<uint64_t>(tick_ns);
      u.stats.cpu_kernel_ns += t->system_ticks * static_cast<uint64_t>(tick_ns);
      u.stats.memory_usage += t->rss_bytes;
    }
  }
  u.stats.cpu_total_ns = u.stats.cpu_user_ns + u.stats.cpu_kernel_ns;
  return u;
}

Result<> update_container(const std::string& root, const std::string& id,
                          const spec::Resources& resources) {
  // The same rules as config.json's: every value becomes a cgroup file's
  // content or name (a unified key "../x" would name a file elsewhere).
  if (auto problems = spec::validate_resources(resources); !problems.empty())
    return fail(spec::format_problems("resources", problems));
  auto c = load_locked(root, id);
  if (!c) return std::unexpected(c.error());
  if (c->status == spec::Status::Stopped) return fail(not_running(id, c->status, "update"));
  if (c->record.cgroup_path.empty())
    return fail("container " + quote(id) + " has no cgroup (POSIX mode): nothing to update");
  spec::Resources r = resources;
  spec::read_in_current_terms(r, c->record.config.oci_version);
  Cgroup cg = cgroup_of(c->record);
  if (auto p = spec::validate_for_cgroup(r, cg.layout() == CgroupLayout::V2); !p.empty()) {
    for (auto& problem : p)
      problem.pointer = problem.pointer.substr(std::string("/linux/resources").size());
    return fail(spec::format_problems("resources", p));
  }
  if (!c->record.systemd_unit.empty())
    MCRUN_CHECK(set_scope_properties(c->record.systemd_unit, r, cg.layout() == CgroupLayout::V2,
                                     c->record.systemd_manager));
  MCRUN_CHECK(cg.apply(r));
  if (!c->record.config.linux) c->record.config.linux = spec::Linux{};
  c->record.config.linux->resources = std::move(r);
  return c->dir.save(c->record);
}

Result<spec::Resources> container_resources(const std::string& root, const std::string& id) {
  auto c = load_locked(root, id);
  if (!c) return std::unexpected(c.error());
  if (c->record.config.linux && c->record.config.linux->resources)
    return *c->record.config.linux->resources;
  return spec::Resources{};
}

}  // namespace mcrun::runtime
