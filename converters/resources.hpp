// Mesos resource strings ("cpus:1.5;mem:256", as the agent's --resources
// flag takes them) and their cgroup equivalents.
#pragma once

#include <map>
#include <string>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::converters {

// Scalar resources by name ("cpus" -> 1.5). Roles ("cpus(web):1") are
// accepted and ignored; ranges and sets (ports) are skipped.
Result<std::map<std::string, double>> parse_resources(std::string_view text);

// Mesos's isolators/cgroups/constants.hpp.
inline constexpr uint64_t kCpuSharesPerCpu = 1024;  // CPU_SHARES_PER_CPU
inline constexpr uint64_t kMinCpuShares = 2;        // MIN_CPU_SHARES (the kernel's minimum)
inline constexpr uint64_t kCfsPeriodUs = 100000;    // CPU_CFS_PERIOD (100ms)
inline constexpr int64_t kMinCfsQuotaUs = 1000;     // MIN_CPU_CFS_QUOTA (1ms)
inline constexpr int64_t kMinMemoryBytes = 32 * 1024 * 1024;  // MIN_MEMORY (32MB)

struct CgroupIsolators {
  bool cpu = false, mem = false, pids = false;
  bool enable_cfs = false;  // the agent's --cgroups_enable_cfs (default off)
};

// What cgroups/cpu, cgroups/mem and cgroups/pids make of them, as Mesos's
// subsystems do: cpu.shares = max(1024 x cpus, 2), a CFS quota only with
// enable_cfs (max(100ms x cpus, 1ms) per 100ms); memory soft and hard limit
// both max(mem, 32MB) (memory.soft_limit_in_bytes is Mesos's "always set").
spec::Resources cgroup_resources(const std::map<std::string, double>& res,
                                 const CgroupIsolators& iso);

// A Mesos flag duration ("15secs", "500ms", "1mins": stout's Duration units
// ns, us, ms, secs, mins, hrs, days, weeks), in seconds.
Result<double> parse_duration(std::string_view text);

}  // namespace mcrun::converters
