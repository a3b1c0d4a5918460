// Names the spec defines, for validation (pure tables, no libc lookups).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mcrun::spec {

std::span<const std::string_view> capability_names();  // "CAP_CHOWN", ... by number
std::optional<int> capability_number(std::string_view name);
std::span<const std::string_view> rlimit_names();              // "RLIMIT_AS", ...
std::optional<int> rlimit_resource(std::string_view name);     // RLIMIT_* value
std::span<const std::string_view> namespace_types();           // "pid", "network", ...
std::span<const std::string_view> io_priority_classes();       // "IOPRIO_CLASS_RT", ...
std::optional<int> io_priority_class(std::string_view name);   // IOPRIO_CLASS_* value
std::span<const std::string_view> sched_policies();            // "SCHED_OTHER", ... by value
std::optional<int> sched_policy(std::string_view name);        // SCHED_* value
std::span<const std::string_view> sched_flags();               // "SCHED_FLAG_RESET_ON_FORK", ...
std::optional<uint64_t> sched_flag(std::string_view name);     // SCHED_FLAG_* bit
std::span<const std::string_view> memory_policy_modes();       // "MPOL_DEFAULT", ... by value
std::optional<int> memory_policy_mode(std::string_view name);  // MPOL_* value
std::span<const std::string_view> memory_policy_flags();       // "MPOL_F_STATIC_NODES", ...
std::optional<int> memory_policy_flag(std::string_view name);  // MPOL_F_* bit
std::span<const std::string_view> seccomp_actions();           // "SCMP_ACT_ALLOW", ...
std::span<const std::string_view> seccomp_operators();         // "SCMP_CMP_EQ", ...
std::span<const std::string_view> seccomp_arches();            // "SCMP_ARCH_X86_64", ...
std::span<const std::string_view> seccomp_flags();             // "SECCOMP_FILTER_FLAG_LOG", ...
std::span<const std::string_view> propagation_modes();         // "rslave", ...
std::span<const std::string_view> proc_mountable_files();      // "/proc/cpuinfo", ... (lxcfs's)

bool contains(std::span<const std::string_view> names, std::string_view name);
std::string join_names(std::span<const std::string_view> names);  // "a, b, c"

}  // namespace mcrun::spec
