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

inline constexpr uint64_t kCpuSharesPerCpu = 1024;  // Mesos CPU_SHARES_PER_CPU
inline constexpr uint64_t kMinCpuShares = 2;         // the kernel's minimum
inline constexpr uint64_t kCfsPeriodUs = 100000;     // Mesos CPU_CFS_PERIOD (100ms)
inline constexpr int64_t kMinCfsQuotaUs = 1000;      // Mesos MIN_CPU_CFS_QUOTA (1ms)

// What cgroups/cpu, cgroups/mem and cgroups/pids make of them.
spec::Resources cgroup_resources(const std::map<std::string, double>& res, bool cpu, bool mem, bool pids);

}  // namespace mcrun::converters
