// The OCI runtime-spec v1.3 config.json model. Fields the runtime acts on are
// typed; every object keeps the properties it does not know in `extra`, so
// emit(parse(x)) preserves them as the spec requires. Each struct's JSON keys
// are described once, in spec/config_fields.hpp, which drives both parse and
// emit. This header stays light (no JSON parser): most of mcrun includes it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spec/error.hpp"
#include "spec/json_fwd.hpp"
#include "spec/problem.hpp"

namespace mcrun::spec {

inline constexpr const char* kOciVersion = "1.3.0";

// The members of an object that mcrun does not model, in document order, each
// kept as its JSON text and written back unchanged.
struct Unknown {
  std::vector<std::pair<std::string, std::string>> members;
  bool contains(std::string_view key) const;
  bool operator==(const Unknown&) const = default;
};

struct ConsoleSize {
  uint32_t height = 0;
  uint32_t width = 0;
  Unknown extra;
  bool operator==(const ConsoleSize&) const = default;
};

struct User {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::optional<uint32_t> umask;
  std::vector<uint32_t> additional_gids;
  Unknown extra;  // e.g. "username" (Windows)
  bool operator==(const User&) const = default;
};

struct Capabilities {
  std::optional<std::vector<std::string>> bounding, effective, inheritable, permitted, ambient;
  Unknown extra;
  bool operator==(const Capabilities&) const = default;
};

struct Rlimit {
  std::string type;  // "RLIMIT_NOFILE"
  uint64_t soft = 0;
  uint64_t hard = 0;
  Unknown extra;
  bool operator==(const Rlimit&) const = default;
};

// sched_setattr's attributes; which apply depends on the policy (sched(7)).
struct Scheduler {
  std::string policy;  // "SCHED_OTHER", "SCHED_FIFO", ...
  std::optional<int32_t> nice;
  std::optional<int32_t> priority;                    // SCHED_FIFO and SCHED_RR: 1..99
  std::vector<std::string> flags;                     // "SCHED_FLAG_RESET_ON_FORK", ...
  std::optional<uint64_t> runtime, deadline, period;  // SCHED_DEADLINE, in ns
  Unknown extra;
  bool operator==(const Scheduler&) const = default;
};

struct IoPriority {
  std::string io_class;  // "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"
  int32_t priority = 0;  // 0 (first served) .. 7
  Unknown extra;
  bool operator==(const IoPriority&) const = default;
};

// process.execCPUAffinity: the CPUs `exec`'s process runs on before it
// enters the container's cgroup (the runtime's side of it) and after. Not
// the init's: the spec leaves it out. CPU lists as in cpuset.cpus; empty
// or absent changes nothing.
struct ExecCpuAffinity {
  std::optional<std::string> initial, final;
  Unknown extra;
  bool operator==(const ExecCpuAffinity&) const = default;
};

struct Process {
  bool terminal = false;
  std::optional<ConsoleSize> console_size;
  User user;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd;
  std::optional<Capabilities> capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::optional<std::string> apparmor_profile;
  std::optional<int32_t> oom_score_adj;
  std::optional<Scheduler> scheduler;
  std::optional<std::string> selinux_label;
  std::optional<IoPriority> io_priority;
  std::optional<ExecCpuAffinity> exec_cpu_affinity;
  Unknown extra;
  bool operator==(const Process&) const = default;
};

struct Root {
  std::string path;
  bool readonly = false;
  Unknown extra;
  bool operator==(const Root&) const = default;
};

struct IdMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;
  Unknown extra;
  bool operator==(const IdMapping&) const = default;
};

struct Mount {
  std::string destination;
  std::optional<std::string> type;
  std::optional<std::string> source;
  std::vector<std::string> options;
  // An id-mapped mount's mapping (options "idmap"/"ridmap"): on-disk ids
  // containerID.. appear as hostID.. through this mount.
  std::vector<IdMapping> uid_mappings, gid_mappings;
  Unknown extra;
  bool operator==(const Mount&) const = default;
};

struct Hook {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int64_t> timeout;  // seconds, > 0
  Unknown extra;
  bool operator==(const Hook&) const = default;
};

enum class HookPhase {
  Prestart,
  CreateRuntime,
  CreateContainer,
  StartContainer,
  Poststart,
  Poststop
};
inline constexpr HookPhase kHookPhases[] = {HookPhase::Prestart,        HookPhase::CreateRuntime,
                                            HookPhase::CreateContainer, HookPhase::StartContainer,
                                            HookPhase::Poststart,       HookPhase::Poststop};
// The config.json key of a phase, "createRuntime".
constexpr const char* hook_phase_name(HookPhase phase) {
  switch (phase) {
    case HookPhase::Prestart:
      return "prestart";
    case HookPhase::CreateRuntime:
      return "createRuntime";
    case HookPhase::CreateContainer:
      return "createContainer";
    case HookPhase::StartContainer:
      return "startContainer";
    case HookPhase::Poststart:
      return "poststart";
    case HookPhase::Poststop:
      break;
  }
  return "poststop";
}

struct Hooks {
  std::vector<Hook> prestart, create_runtime, create_container, start_container, poststart,
      poststop;
  Unknown extra;
  const std::vector<Hook>& of(HookPhase phase) const;
  std::vector<Hook>& of(HookPhase phase);
  bool operator==(const Hooks&) const = default;
};

struct Namespace {
  std::string type;  // "pid", "network", ...
  std::optional<std::string> path;
  Unknown extra;
  bool operator==(const Namespace&) const = default;
};

struct Device {
  std::string type;  // c, b, u, p
  std::string path;
  std::optional<int64_t> major, minor;
  std::optional<uint32_t> file_mode, uid, gid;
  Unknown extra;
  bool operator==(const Device&) const = default;
};

struct DeviceRule {
  bool allow = false;
  std::optional<std::string> type;
  std::optional<int64_t> major, minor;
  std::optional<std::string> access;
  Unknown extra;
  bool operator==(const DeviceRule&) const = default;
};

struct Memory {
  std::optional<int64_t> limit, reservation, swap, kernel, kernel_tcp;
  std::optional<uint64_t> swappiness;
  std::optional<bool> disable_oom_killer, use_hierarchy, check_before_update;
  Unknown extra;
  bool operator==(const Memory&) const = default;
};

struct Cpu {
  std::optional<uint64_t> shares;
  std::optional<int64_t> quota;
  std::optional<uint64_t> burst;
  std::optional<uint64_t> period;
  std::optional<int64_t> realtime_runtime;
  std::optional<uint64_t> realtime_period;
  std::optional<std::string> cpus, mems;
  std::optional<int64_t> idle;  // 0: default, 1: SCHED_IDLE (runtime-spec: int64)
  Unknown extra;
  bool operator==(const Cpu&) const = default;
};

// linux.resources.blockIO.weightDevice[]
struct BlockIoWeightDevice {
  int64_t major = 0, minor = 0;
  std::optional<uint16_t> weight, leaf_weight;
  Unknown extra;
  bool operator==(const BlockIoWeightDevice&) const = default;
};

// linux.resources.blockIO.throttle*Device[]
struct BlockIoRate {
  int64_t major = 0, minor = 0;
  uint64_t rate = 0;
  Unknown extra;
  bool operator==(const BlockIoRate&) const = default;
};

struct BlockIo {
  std::optional<uint16_t> weight, leaf_weight;
  std::vector<BlockIoWeightDevice> weight_devices;
  std::vector<BlockIoRate> throttle_read_bps, throttle_write_bps, throttle_read_iops,
      throttle_write_iops;
  Unknown extra;
  bool operator==(const BlockIo&) const = default;
};

struct HugepageLimit {
  std::string page_size;  // "2MB", "1GB"
  uint64_t limit = 0;
  Unknown extra;
  bool operator==(const HugepageLimit&) const = default;
};

struct InterfacePriority {
  std::string name;
  uint32_t priority = 0;
  Unknown extra;
  bool operator==(const InterfacePriority&) const = default;
};

struct Network {
  std::optional<uint32_t> class_id;
  std::vector<InterfacePriority> priorities;
  Unknown extra;
  bool operator==(const Network&) const = default;
};

struct Pids {
  // -1: no limit ("max"); 0 is a limit (no task may be forked). Absent: the
  // cgroup's pids.max is left as it is (1.3.0: OPTIONAL).
  std::optional<int64_t> limit;
  Unknown extra;
  bool operator==(const Pids&) const = default;
};

struct Resources {
  std::vector<DeviceRule> devices;
  std::optional<Memory> memory;
  std::optional<Cpu> cpu;
  std::optional<Pids> pids;
  std::optional<BlockIo> block_io;
  std::vector<HugepageLimit> hugepage_limits;
  std::optional<Network> network;
  std::map<std::string, std::string> unified;
  Unknown extra;  // rdma and unknown members, kept as given
  bool operator==(const Resources&) const = default;
};

struct SeccompArg {
  uint32_t index = 0;
  uint64_t value = 0;
  std::optional<uint64_t> value_two;
  std::string op;
  Unknown extra;
  bool operator==(const SeccompArg&) const = default;
};

struct SeccompSyscall {
  std::vector<std::string> names;
  std::string action;
  std::optional<uint32_t> errno_ret;
  std::vector<SeccompArg> args;
  Unknown extra;
  bool operator==(const SeccompSyscall&) const = default;
};

struct Seccomp {
  std::string default_action;
  std::optional<uint32_t> default_errno_ret;
  std::vector<std::string> architectures;
  std::vector<std::string> flags;
  std::optional<std::string> listener_path, listener_metadata;
  std::vector<SeccompSyscall> syscalls;
  Unknown extra;
  bool operator==(const Seccomp&) const = default;
};

// personality(2)'s execution domain: "LINUX" or "LINUX32" (uname -m says
// i686 on x86_64). The spec defines no flags yet.
struct Personality {
  std::string domain;
  std::vector<std::string> flags;
  Unknown extra;
  bool operator==(const Personality&) const = default;
};

// linux.timeOffsets: a new time namespace's clocks, moved by secs and
// nanosecs (time_namespaces(7)). Only these two clocks are namespaced.
struct ClockOffset {
  std::optional<int64_t> secs;
  std::optional<uint32_t> nanosecs;
  Unknown extra;
  bool operator==(const ClockOffset&) const = default;
};

struct TimeOffsets {
  std::optional<ClockOffset> boottime, monotonic;
  Unknown extra;  // any other clock: refused by validation
  // Each clock with its name, the spec's and /proc/self/timens_offsets'.
  std::array<std::pair<const char*, const std::optional<ClockOffset>*>, 2> clocks() const {
    return {{{"boottime", &boottime}, {"monotonic", &monotonic}}};
  }
  bool operator==(const TimeOffsets&) const = default;
};

// linux.netDevices' entries, keyed by the device's name on the host: moved
// into the container's network namespace, renamed there to `name` if given
// ("%d" in it lets the kernel number it), its permanent global addresses
// kept, up.
struct NetDevice {
  std::optional<std::string> name;
  Unknown extra;
  bool operator==(const NetDevice&) const = default;
};

// linux.memoryPolicy: set_mempolicy(2) for every process of the container.
struct MemoryPolicy {
  std::string mode;                  // "MPOL_BIND", ...
  std::optional<std::string> nodes;  // a node list ("0-3,7")
  std::vector<std::string> flags;    // "MPOL_F_STATIC_NODES", ...
  Unknown extra;
  bool operator==(const MemoryPolicy&) const = default;
};

struct Linux {
  std::vector<Namespace> namespaces;
  std::vector<IdMapping> uid_mappings, gid_mappings;
  std::vector<Device> devices;
  std::optional<std::string> cgroups_path;
  std::optional<Resources> resources;
  std::optional<std::string> rootfs_propagation;
  std::optional<Seccomp> seccomp;
  std::map<std::string, std::string> sysctl;
  std::vector<std::string> masked_paths, readonly_paths;
  std::optional<std::string> mount_label;
  std::optional<Personality> personality;
  std::optional<TimeOffsets> time_offsets;
  std::optional<MemoryPolicy> memory_policy;
  std::map<std::string, NetDevice> net_devices;
  Unknown extra;  // intelRdt, ...

  const Namespace* find_namespace(std::string_view type) const;
  bool operator==(const Linux&) const = default;
};

struct Config {
  std::string oci_version;
  std::optional<Process> process;
  std::optional<Root> root;
  std::optional<std::string> hostname, domainname;
  std::vector<Mount> mounts;
  std::optional<Hooks> hooks;
  std::map<std::string, std::string> annotations;
  std::optional<Linux> linux;
  Unknown extra;
  bool operator==(const Config&) const = default;
};

// parse: JSON -> model. Records type problems (wrong JSON types, missing
// required members) with their pointers; returns the model read so far.
Config parse_config(const Json& j, Problems& problems);

// validate: semantic rules of config.md / config-linux.md on a parsed model.
Problems validate_config(const Config& c);

// The rules of /linux/resources alone, pointers relative to that object (what
// `update` is given).
Problems validate_resources(const Resources& r);

// runtime-spec fields mcrun keeps but does not apply (linux.intelRdt;
// resources.rdma):
// create refuses them.
Problems unsupported_fields(const Config& c);

// What the host's cgroup version cannot express (unified files on v1; on v2
// net_cls/net_prio, kernelTCP, swappiness, the OOM-killer switch, a swap
// limit without a memory limit): refused, never dropped in silence.
Problems validate_for_cgroup(const Resources& r, bool v2);

// A cpuset list as the kernel takes it in cpuset.cpus and cpuset.mems
// ("0-3,8", "0-15:2/4" for every other pair; "" is none; blanks around it
// are stripped, as the kernel does): the indices in increasing order, or
// nothing if it is not one (or names one past 65535).
std::optional<std::vector<uint32_t>> parse_cpu_list(std::string_view list);

// The namespace type a namespaced sysctl lives in ("net.ipv4.x" -> "network").
std::optional<std::string> sysctl_namespace(std::string_view key);

// emit: model -> JSON (known members in spec order, then unknown ones).
Json emit_config(const Config& c);
Json emit_seccomp(const Seccomp& s);  // linux.seccomp alone

// Text -> model, with every parse and validation problem as one error:
// lines "config.json: /pointer: message".
Result<Config> load_config_text(std::string_view text, std::string_view file = "config.json");

// A process.json (what `exec --process` takes): validated like /process.
Result<Process> load_process_text(std::string_view text, std::string_view file = "process.json");

// What `update --resources` takes: a linux.resources object, which replaces
// `current` whole except for the device rules, kept unless it names them (as
// runc's update does). Type problems are reported with pointers relative to
// that object; validation is update's own (validate_resources).
Result<Resources> load_resources_text(std::string_view text, std::string_view file,
                                      const Resources& current);

// A config written to an older version of the spec, read in that version's
// terms and kept in the current one's. pids.limit 0: before 1.3.0 the Go
// type's zero value, "no limit" (podman 4's --pids-limit -1, older CRI-O's
// default, crun's and runc's reading); from 1.3.0 a limit of 0, which
// runtimes SHOULD honour. load_config_text applies it; update, with the
// container's own config version.
void read_in_current_terms(Resources& r, std::string_view oci_version);

// runc spec's default config (busybox-friendly, rootfs "rootfs").
Config default_config();

// `spec --rootless` (runc's ToRootless): a user namespace mapping root to
// `uid`/`gid` alone, no network namespace, /sys bound from the host (a new
// sysfs needs a network namespace of one's own), no uid=/gid= mount options
// (those ids are not mapped), no resources.
void make_rootless(Config& c, uint32_t uid, uint32_t gid);

}  // namespace mcrun::spec
