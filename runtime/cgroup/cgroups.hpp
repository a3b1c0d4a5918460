// A container's cgroup on cgroup v1 (a directory in each hierarchy, as on
// hybrid machines) or v2 (one directory in the unified tree). The layout is
// detected at run time; scripts/vm-test.sh runs the tests on a v2 kernel.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/cgroup/cgroup_plan.hpp"
#include "runtime/sys/fd.hpp"
#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

enum class CgroupLayout { V1, V2 };

struct CgroupStats {
  uint64_t cpu_total_ns = 0, cpu_user_ns = 0, cpu_kernel_ns = 0;
  uint64_t memory_usage = 0, memory_max_usage = 0, memory_limit = 0;
  uint64_t pids_current = 0, pids_limit = 0;  // 0 = no limit
  uint64_t oom_kills = 0;
};

// How a process being cloned gets into its cgroup without being moved there
// afterwards. Moving a process (its pid written to cgroup.procs) write-locks
// the kernel's global threadgroup rwsem, and the first write after a quiet
// spell waits for an RCU grace period: 5-20 ms on this project's test host,
// the largest single cost of a start. Two ways take no such lock:
// clone3(CLONE_INTO_CGROUP), cgroup2 only (the v2 tree, or a hybrid host's
// "unified" one), and, in a v1 hierarchy, the new process moving its own
// single thread by writing "0" to `tasks` (kernel/cgroup/cgroup.c,
// cgroup_procs_write_start: "If we migrate a single thread ... current ...
// we can skip the global lock"). The kernel checks a write against the
// credentials of whoever opened the file, so fds opened here still work in
// a process that is not yet anyone in its new user namespace.
struct CgroupEntry {
  sys::UniqueFd clone_into;              // a cgroup2 directory, for CLONE_INTO_CGROUP
  std::vector<sys::UniqueFd> self_join;  // v1 `tasks` files the new process writes "0" to
};

// In the new process: "0" to each of CgroupEntry::self_join's files, which
// it closes.
Result<> enter_cgroups_by_self(const std::vector<int>& tasks);

class Cgroup {
 public:
  static constexpr const char* kRoot = "/sys/fs/cgroup";

  // `path` is the container's cgroup ("/mcrun/c1").
  Cgroup(std::string path, std::string root = kRoot);

  CgroupLayout layout() const { return layout_; }
  // A rootless container's (delegated) cgroup: the device rules are not
  // applied (loading a device program or writing devices.deny needs
  // privilege; an unprivileged user cannot mknod, and only host nodes it may
  // open are bound in).
  void without_device_rules() { device_rules_ = false; }
  // A transient scope systemd made (systemd.hpp): destroy stops the unit too.
  // `manager`: which systemd (systemd.hpp; "" for PID 1).
  void managed_by_systemd(std::string unit, std::string manager) {
    systemd_unit_ = std::move(unit), systemd_manager_ = std::move(manager);
  }
  const std::string& systemd_unit() const { return systemd_unit_; }
  const std::string& systemd_manager() const { return systemd_manager_; }
  const std::string& path() const { return path_; }

  // mkdir -p in every hierarchy (v1: cpuset values copied down, or tasks
  // could not join), then the limits, then the pid.
  Result<> create() const;
  Result<> apply(const spec::Resources& r) const;
  Result<> add(pid_t pid) const;
  // A systemd scope on v1: systemd made its cgroup only in the hierarchies
  // of the controllers it manages (not blkio, cpuset, freezer, net_cls,
  // perf_event, hugetlb...). Makes it in the others and moves pid into
  // them, as runc does; otherwise their limits go nowhere and exec finds
  // no cgroup to enter. Nothing to do on v2.
  Result<> complete_scope(pid_t pid) const;
  // The cgroup (made already) as a process being cloned enters it; or, per
  // hierarchy, an existing cgroup below it (exec --cgroup): `below` maps a
  // v1 hierarchy's name, or "" for every hierarchy (the only key v2 takes),
  // to a path relative to the container's cgroup.
  Result<CgroupEntry> entry(const std::map<std::string, std::string>& below = {}) const;
  // Every process in the container's cgroup and the cgroups below it.
  Result<std::vector<pid_t>> pids() const;
  // sig to every one of them (v2 SIGKILL: cgroup.kill; else frozen meanwhile).
  Result<> signal_all(int sig) const;
  Result<> set_frozen(bool frozen) const;
  bool frozen() const;
  CgroupStats stats() const;
  // Kills what is left, then removes the container's directories in every
  // hierarchy, child cgroups first. A missing one is not an error.
  Result<> destroy() const;

  // The directory of a v1 controller ("memory"), or of the v2 cgroup.
  std::string dir(const std::string& controller) const;

 private:
  const std::vector<std::string>& hierarchies() const;  // dirs under the root to use
  Result<bool> make_dirs() const;  // mkdir -p everywhere; true if every leaf is new
  Result<bool> make_dir_in(const std::string& hierarchy) const;  // one of them
  std::string procs_dir() const;
  struct OpenKnob;  // cgroups.cpp
  Result<> write(const CgroupWrite& w, OpenKnob& knob) const;
  Result<> set_device_filter(
      const std::vector<spec::DeviceRule>& rules) const;  // v2 (device_filter.hpp)

  std::string path_, root_;
  CgroupLayout layout_;
  bool device_rules_ = true;
  std::string systemd_unit_, systemd_manager_;
  mutable std::optional<std::vector<std::string>> hierarchies_;
  mutable std::string unified_;  // a hybrid host's cgroup2 hierarchy, if any
};

// f(dir) for `top` and every cgroup below it, parents before children.
Result<> for_each_cgroup(const std::string& top,
                         const std::function<Result<>(const std::string&)>& f);

}  // namespace mcrun::runtime
