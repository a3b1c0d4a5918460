// config.json's keys, once per field: each table lists a struct's members in
// the order emit writes them (the runtime-spec's order), with the JSON key and
// whether config.md makes the member REQUIRED. parse_config and emit_config
// are both driven by these tables (spec/field_table.hpp); nothing else in mcrun
// spells an OCI key.
#pragma once

#include "spec/field_table.hpp"

namespace mcrun::spec::fields {

#define MCRUN_DESCRIBE(Struct, ...)                              \
  template <>                                                    \
  struct Describe<Struct> {                                      \
    static constexpr auto fields = std::make_tuple(__VA_ARGS__); \
  }

MCRUN_DESCRIBE(ConsoleSize, req("height", &ConsoleSize::height), req("width", &ConsoleSize::width));
MCRUN_DESCRIBE(User, req("uid", &User::uid), req("gid", &User::gid), opt("umask", &User::umask),
               opt("additionalGids", &User::additional_gids));
MCRUN_DESCRIBE(Capabilities, opt("bounding", &Capabilities::bounding),
               opt("effective", &Capabilities::effective),
               opt("inheritable", &Capabilities::inheritable),
               opt("permitted", &Capabilities::permitted), opt("ambient", &Capabilities::ambient));
MCRUN_DESCRIBE(Rlimit, req("type", &Rlimit::type), req("hard", &Rlimit::hard),
               req("soft", &Rlimit::soft));
MCRUN_DESCRIBE(Scheduler, req("policy", &Scheduler::policy), opt("nice", &Scheduler::nice),
               opt("priority", &Scheduler::priority), opt("flags", &Scheduler::flags),
               opt("runtime", &Scheduler::runtime), opt("deadline", &Scheduler::deadline),
               opt("period", &Scheduler::period));
MCRUN_DESCRIBE(IoPriority, req("class", &IoPriority::io_class),
               req("priority", &IoPriority::priority));
MCRUN_DESCRIBE(ExecCpuAffinity, opt("initial", &ExecCpuAffinity::initial),
               opt("final", &ExecCpuAffinity::final));
MCRUN_DESCRIBE(Process, opt("terminal", &Process::terminal),
               opt("consoleSize", &Process::console_size), req("user", &Process::user),
               opt("args", &Process::args), opt("env", &Process::env), req("cwd", &Process::cwd),
               opt("capabilities", &Process::capabilities), opt("rlimits", &Process::rlimits),
               opt("noNewPrivileges", &Process::no_new_privileges),
               opt("apparmorProfile", &Process::apparmor_profile),
               opt("oomScoreAdj", &Process::oom_score_adj), opt("scheduler", &Process::scheduler),
               opt("selinuxLabel", &Process::selinux_label),
               opt("ioPriority", &Process::io_priority),
               opt("execCPUAffinity", &Process::exec_cpu_affinity));
MCRUN_DESCRIBE(Root, req("path", &Root::path), opt("readonly", &Root::readonly));
MCRUN_DESCRIBE(IdMapping, req("containerID", &IdMapping::container_id),
               req("hostID", &IdMapping::host_id), req("size", &IdMapping::size));
MCRUN_DESCRIBE(Mount, req("destination", &Mount::destination), opt("type", &Mount::type),
               opt("source", &Mount::source), opt("options", &Mount::options),
               opt("uidMappings", &Mount::uid_mappings), opt("gidMappings", &Mount::gid_mappings));
MCRUN_DESCRIBE(Hook, req("path", &Hook::path), opt("args", &Hook::args), opt("env", &Hook::env),
               opt("timeout", &Hook::timeout));
MCRUN_DESCRIBE(Hooks, opt(hook_phase_name(HookPhase::Prestart), &Hooks::prestart),
               opt(hook_phase_name(HookPhase::CreateRuntime), &Hooks::create_runtime),
               opt(hook_phase_name(HookPhase::CreateContainer), &Hooks::create_container),
               opt(hook_phase_name(HookPhase::StartContainer), &Hooks::start_container),
               opt(hook_phase_name(HookPhase::Poststart), &Hooks::poststart),
               opt(hook_phase_name(HookPhase::Poststop), &Hooks::poststop));
MCRUN_DESCRIBE(Namespace, req("type", &Namespace::type), opt("path", &Namespace::path));
MCRUN_DESCRIBE(Device, req("type", &Device::type), req("path", &Device::path),
               opt("major", &Device::major), opt("minor", &Device::minor),
               opt("fileMode", &Device::file_mode), opt("uid", &Device::uid),
               opt("gid", &Device::gid));
MCRUN_DESCRIBE(DeviceRule, req("allow", &DeviceRule::allow), opt("type", &DeviceRule::type),
               opt("major", &DeviceRule::major), opt("minor", &DeviceRule::minor),
               opt("access", &DeviceRule::access));
MCRUN_DESCRIBE(Memory, opt("limit", &Memory::limit), opt("reservation", &Memory::reservation),
               opt("swap", &Memory::swap), opt("kernel", &Memory::kernel),
               opt("kernelTCP", &Memory::kernel_tcp), opt("swappiness", &Memory::swappiness),
               opt("disableOOMKiller", &Memory::disable_oom_killer),
               opt("useHierarchy", &Memory::use_hierarchy),
               opt("checkBeforeUpdate", &Memory::check_before_update));
MCRUN_DESCRIBE(Cpu, opt("shares", &Cpu::shares), opt("quota", &Cpu::quota),
               opt("burst", &Cpu::burst), opt("period", &Cpu::period),
               opt("realtimeRuntime", &Cpu::realtime_runtime),
               opt("realtimePeriod", &Cpu::realtime_period), opt("cpus", &Cpu::cpus),
               opt("mems", &Cpu::mems), opt("idle", &Cpu::idle));
MCRUN_DESCRIBE(BlockIoWeightDevice, req("major", &BlockIoWeightDevice::major),
               req("minor", &BlockIoWeightDevice::minor),
               opt("weight", &BlockIoWeightDevice::weight),
               opt("leafWeight", &BlockIoWeightDevice::leaf_weight));
MCRUN_DESCRIBE(BlockIoRate, req("major", &BlockIoRate::major), req("minor", &BlockIoRate::minor),
               req("rate", &BlockIoRate::rate));
MCRUN_DESCRIBE(BlockIo, opt("weight", &BlockIo::weight), opt("leafWeight", &BlockIo::leaf_weight),
               opt("weightDevice", &BlockIo::weight_devices),
               opt("throttleReadBpsDevice", &BlockIo::throttle_read_bps),
               opt("throttleWriteBpsDevice", &BlockIo::throttle_write_bps),
               opt("throttleReadIOPSDevice", &BlockIo::throttle_read_iops),
               opt("throttleWriteIOPSDevice", &BlockIo::throttle_write_iops));
MCRUN_DESCRIBE(HugepageLimit, req("pageSize", &HugepageLimit::page_size),
               req("limit", &HugepageLimit::limit));
MCRUN_DESCRIBE(InterfacePriority, req("name", &InterfacePriority::name),
               req("priority", &InterfacePriority::priority));
MCRUN_DESCRIBE(Network, opt("classID", &Network::class_id),
               opt("priorities", &Network::priorities));
MCRUN_DESCRIBE(Pids, opt("limit", &Pids::limit));
MCRUN_DESCRIBE(Resources, opt("devices", &Resources::devices), opt("memory", &Resources::memory),
               opt("cpu", &Resources::cpu), opt("pids", &Resources::pids),
               opt("unified", &Resources::unified), opt("blockIO", &Resources::block_io),
               opt("hugepageLimits", &Resources::hugepage_limits),
               opt("network", &Resources::network));
MCRUN_DESCRIBE(SeccompArg, req("index", &SeccompArg::index), req("value", &SeccompArg::value),
               opt("valueTwo", &SeccompArg::value_two), req("op", &SeccompArg::op));
MCRUN_DESCRIBE(SeccompSyscall, req("names", &SeccompSyscall::names),
               req("action", &SeccompSyscall::action), opt("errnoRet", &SeccompSyscall::errno_ret),
               opt("args", &SeccompSyscall::args));
MCRUN_DESCRIBE(Seccomp, req("defaultAction", &Seccomp::default_action),
               opt("defaultErrnoRet", &Seccomp::default_errno_ret),
               opt("architectures", &Seccomp::architectures), opt("flags", &Seccomp::flags),
               opt("listenerPath", &Seccomp::listener_path),
               opt("listenerMetadata", &Seccomp::listener_metadata),
               opt("syscalls", &Seccomp::syscalls));
MCRUN_DESCRIBE(Personality, req("domain", &Personality::domain), opt("flags", &Personality::flags));
MCRUN_DESCRIBE(ClockOffset, opt("secs", &ClockOffset::secs),
               opt("nanosecs", &ClockOffset::nanosecs));
MCRUN_DESCRIBE(TimeOffsets, opt("boottime", &TimeOffsets::boottime),
               opt("monotonic", &TimeOffsets::monotonic));
MCRUN_DESCRIBE(MemoryPolicy, req("mode", &MemoryPolicy::mode), opt("nodes", &MemoryPolicy::nodes),
               opt("flags", &MemoryPolicy::flags));
MCRUN_DESCRIBE(NetDevice, opt("name", &NetDevice::name));
MCRUN_DESCRIBE(Linux, opt("uidMappings", &Linux::uid_mappings),
               opt("gidMappings", &Linux::gid_mappings), opt("sysctl", &Linux::sysctl),
               opt("resources", &Linux::resources), opt("cgroupsPath", &Linux::cgroups_path),
               opt("namespaces", &Linux::namespaces), opt("devices", &Linux::devices),
               opt("seccomp", &Linux::seccomp),
               opt("rootfsPropagation", &Linux::rootfs_propagation),
               opt("maskedPaths", &Linux::masked_paths),
               opt("readonlyPaths", &Linux::readonly_paths), opt("mountLabel", &Linux::mount_label),
               opt("personality", &Linux::personality), opt("timeOffsets", &Linux::time_offsets),
               opt("memoryPolicy", &Linux::memory_policy), opt("netDevices", &Linux::net_devices));
MCRUN_DESCRIBE(Config, req("ociVersion", &Config::oci_version), opt("process", &Config::process),
               opt("root", &Config::root), opt("hostname", &Config::hostname),
               opt("domainname", &Config::domainname), opt("mounts", &Config::mounts),
               opt("hooks", &Config::hooks), opt("annotations", &Config::annotations),
               opt("linux", &Config::linux));

#undef MCRUN_DESCRIBE

}  // namespace mcrun::spec::fields
