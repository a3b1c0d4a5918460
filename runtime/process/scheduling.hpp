// process.scheduler and process.ioPriority: the CPU and I/O scheduling of a
// container process, set by the process itself before it drops its
// capabilities (a realtime policy or I/O class needs CAP_SYS_NICE or
// CAP_SYS_ADMIN) and kept across the exec; linux.personality, which every
// process of the container gets, exec's too; process.execCPUAffinity,
// exec's alone; linux.memoryPolicy, every process's (kept across fork and
// exec, as set_mempolicy(2) says).
#pragma once

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

// Validation has checked the names and ranges; what is left to refuse (a
// SCHED_DEADLINE that does not fit, a privilege the caller lacks) comes
// back as the kernel's errno, with the field it came from.
Result<> apply_scheduling(const spec::Process& process);

// linux.personality's execution domain, kept across the exec (personality(2)).
Result<> apply_personality(const std::optional<spec::Personality>& personality);

// set_mempolicy(2) with the mode, flags and node mask validation accepted;
// the kernel judges the nodes (EINVAL: none allowed here).
Result<> apply_memory_policy(const std::optional<spec::MemoryPolicy>& policy);

// The calling thread's CPU affinity (sched_setaffinity) to a CPU list as
// validation accepted it; nothing for an absent or empty one. `field` names
// it in the error (EINVAL: none of the CPUs is online or allowed).
Result<> set_cpu_affinity(const std::optional<std::string>& list, std::string_view field);

}  // namespace mcrun::runtime
