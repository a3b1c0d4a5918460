#include "spec/names.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <string>

namespace mcrun::spec {
namespace {

// Index = capability number (linux/capability.h).
constexpr std::string_view kCaps[] = {"CAP_CHOWN",
                                      "CAP_DAC_OVERRIDE",
                                      "CAP_DAC_READ_SEARCH",
                                      "CAP_FOWNER",
                                      "CAP_FSETID",
                                      "CAP_KILL",
                                      "CAP_SETGID",
                                      "CAP_SETUID",
                                      "CAP_SETPCAP",
                                      "CAP_LINUX_IMMUTABLE",
                                      "CAP_NET_BIND_SERVICE",
                                      "CAP_NET_BROADCAST",
                                      "CAP_NET_ADMIN",
                                      "CAP_NET_RAW",
                                      "CAP_IPC_LOCK",
                                      "CAP_IPC_OWNER",
                                      "CAP_SYS_MODULE",
                                      "CAP_SYS_RAWIO",
                                      "CAP_SYS_CHROOT",
                                      "CAP_SYS_PTRACE",
                                      "CAP_SYS_PACCT",
                                      "CAP_SYS_ADMIN",
                                      "CAP_SYS_BOOT",
                                      "CAP_SYS_NICE",
                                      "CAP_SYS_RESOURCE",
                                      "CAP_SYS_TIME",
                                      "CAP_SYS_TTY_CONFIG",
                                      "CAP_MKNOD",
                                      "CAP_LEASE",
                                      "CAP_AUDIT_WRITE",
                                      "CAP_AUDIT_CONTROL",
                                      "CAP_SETFCAP",
                                      "CAP_MAC_OVERRIDE",
                                      "CAP_MAC_ADMIN",
                                      "CAP_SYSLOG",
                                      "CAP_WAKE_ALARM",
                                      "CAP_BLOCK_SUSPEND",
                                      "CAP_AUDIT_READ",
                                      "CAP_PERFMON",
                                      "CAP_BPF",
                                      "CAP_CHECKPOINT_RESTORE"};

struct RlimitName {
  std::string_view name;
  int resource;
};
constexpr RlimitName kRlimits[] = {{"RLIMIT_AS", RLIMIT_AS},
                                   {"RLIMIT_CORE", RLIMIT_CORE},
                                   {"RLIMIT_CPU", RLIMIT_CPU},
                                   {"RLIMIT_DATA", RLIMIT_DATA},
                                   {"RLIMIT_FSIZE", RLIMIT_FSIZE},
                                   {"RLIMIT_LOCKS", RLIMIT_LOCKS},
                                   {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
                                   {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
                                   {"RLIMIT_NICE", RLIMIT_NICE},
                                   {"RLIMIT_NOFILE", RLIMIT_NOFILE},
                                   {"RLIMIT_NPROC", RLIMIT_NPROC},
                                   {"RLIMIT_RSS", RLIMIT_RSS},
                                   {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
                                   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
                                   {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
                                   {"RLIMIT_STACK", RLIMIT_STACK}};
constexpr std::string_view kRlimitNames[] = {
    "RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",        "RLIMIT_DATA",
    "RLIMIT_FSIZE",  "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",    "RLIMIT_MSGQUEUE",
    "RLIMIT_NICE",   "RLIMIT_NOFILE", "RLIMIT_NPROC",      "RLIMIT_RSS",
    "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK"};

constexpr std::string_view kNamespaces[] = {"pid", "network", "mount",  "ipc",
                                            "uts", "user",    "cgroup", "time"};

constexpr std::string_view kSeccompActions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY"};
constexpr std::string_view kSeccompOps[] = {"SCMP_CMP_NE",       "SCMP_CMP_LT", "SCMP_CMP_LE",
                                            "SCMP_CMP_EQ",       "SCMP_CMP_GE", "SCMP_CMP_GT",
                                            "SCMP_CMP_MASKED_EQ"};
constexpr std::string_view kSeccompArches[] = {
    "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",    "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB"};
constexpr std::string_view kSeccompFlags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
// The files lxcfs emulates: the only mount points runc allows inside /proc.
constexpr std::string_view kProcMountable[] = {"/proc/cpuinfo",
                                               "/proc/diskstats",
                                               "/proc/meminfo",
                                               "/proc/stat",
                                               "/proc/swaps",
                                               "/proc/uptime",
                                               "/proc/loadavg",
                                               "/proc/slabinfo",
                                               "/proc/sys/kernel/ns_last_pid",
                                               "/proc/sys/crypto/fips_enabled"};
constexpr std::string_view kPropagation[] = {"shared",  "slave",  "private",  "unbindable",
                                             "rshared", "rslave", "rprivate", "runbindable"};

// By value: IOPRIO_CLASS_RT is 1 (linux/ioprio.h); SCHED_* 0..6, SCHED_ISO (4)
// reserved and refused by the kernel; SCHED_FLAG_* one bit each by position
// (linux/sched.h).
constexpr std::string_view kIoClasses[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                           "IOPRIO_CLASS_IDLE"};
constexpr std::string_view kSchedPolicies[] = {"SCHED_OTHER",   "SCHED_FIFO", "SCHED_RR",
                                               "SCHED_BATCH",   "SCHED_ISO",  "SCHED_IDLE",
                                               "SCHED_DEADLINE"};
constexpr std::string_view kSchedFlags[] = {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
                                            "SCHED_FLAG_DL_OVERRUN",    "SCHED_FLAG_KEEP_POLICY",
                                            "SCHED_FLAG_KEEP_PARAMS",   "SCHED_FLAG_UTIL_CLAMP_MIN",
                                            "SCHED_FLAG_UTIL_CLAMP_MAX"};

// By value: MPOL_DEFAULT is 0 .. MPOL_WEIGHTED_INTERLEAVE 6; the mode flags
// are bits 15 (static), 14 (relative) and 13 (NUMA balancing)
// (linux/mempolicy.h), listed from bit 15 down.
constexpr std::string_view kMemoryPolicyModes[] = {
    "MPOL_DEFAULT",        "MPOL_PREFERRED",          "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_LOCAL",
    "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE"};
constexpr std::string_view kMemoryPolicyFlags[] = {"MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES",
                                                   "MPOL_F_NUMA_BALANCING"};

std::optional<size_t> index_of(std::span<const std::string_view> names, std::string_view name) {
  auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return std::nullopt;
  return static_cast<size_t>(it - names.begin());
}

}  // namespace

std::span<const std::string_view> capability_names() { return kCaps; }
std::optional<int> capability_number(std::string_view name) {
  auto it = std::find(std::begin(kCaps), std::end(kCaps), name);
  if (it == std::end(kCaps)) return std::nullopt;
  return static_cast<int>(it - std::begin(kCaps));
}
std::span<const std::string_view> rlimit_names() { return kRlimitNames; }
std::optional<int> rlimit_resource(std::string_view name) {
  for (const auto& r : kRlimits)
    if (r.name == name) return r.resource;
  return std::nullopt;
}
std::span<const std::string_view> io_priority_classes() { return kIoClasses; }
std::optional<int> io_priority_class(std::string_view name) {
  auto i = index_of(kIoClasses, name);
  return i ? std::optional<int>(static_cast<int>(*i) + 1) : std::nullopt;
}
std::span<const std::string_view> sched_policies() { return kSchedPolicies; }
std::optional<int> sched_policy(std::string_view name) {
  auto i = index_of(kSchedPolicies, name);
  return i ? std::optional<int>(static_cast<int>(*i)) : std::nullopt;
}
std::span<const std::string_view> sched_flags() { return kSchedFlags; }
std::optional<uint64_t> sched_flag(std::string_view name) {
  auto i = index_of(kSchedFlags, name);
  return i ? std::optional<uint64_t>(uint64_t{1} << *i) : std::nullopt;
}
std::span<const std::string_view> memory_policy_modes() { return kMemoryPolicyModes; }
std::optional<int> memory_policy_mode(std::string_view name) {
  auto i = index_of(kMemoryPolicyModes, name);
  return i ? std::optional<int>(static_cast<int>(*i)) : std::nullopt;
}
std::span<const std::string_view> memory_policy_flags() { return kMemoryPolicyFlags; }
std::optional<int> memory_policy_flag(std::string_view name) {
  auto i = index_of(kMemoryPolicyFlags, name);
  return i ? std::optional<int>(1 << (15 - static_cast<int>(*i))) : std::nullopt;
}
std::span<const std::string_view> namespace_types() { return kNamespaces; }
std::span<const std::string_view> seccomp_actions() { return kSeccompActions; }
std::span<const std::string_view> seccomp_operators() { return kSeccompOps; }
std::span<const std::string_view> seccomp_arches() { return kSeccompArches; }
std::span<const std::string_view> seccomp_flags() { return kSeccompFlags; }
std::span<const std::string_view> propagation_modes() { return kPropagation; }
std::span<const std::string_view> proc_mountable_files() { return kProcMountable; }
bool contains(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string join_names(std::span<const std::string_view> names) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace mcrun::spec
