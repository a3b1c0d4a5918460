#include "converters/convert.hpp"

#include <algorithm>
#include <climits>
#include <set>

#include "converters/isolation.hpp"
#include "converters/resources.hpp"
#include "converters/volumes.hpp"
#include "spec/disk_watch.hpp"
#include "spec/json_reader.hpp"
#include "spec/names.hpp"

namespace mcrun::converters {
namespace {

using spec::child_pointer;
using spec::Problems;

constexpr uint64_t kUnlimited = ~0ULL;  // RLIM_INFINITY

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t end = s.find(sep, pos);
    if (end == std::string_view::npos) end = s.size();
    out.emplace_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::optional<std::vector<std::string>> oci_caps(
    const std::optional<std::vector<std::string>>& mesos, const std::string& ptr, Problems& p) {
  if (!mesos) return std::nullopt;
  std::vector<std::string> out;
  for (size_t i = 0; i < mesos->size(); ++i) {
    std::string name = "CAP_" + (*mesos)[i];
    if (!spec::capability_number(name))
      p.push_back(
          {child_pointer(ptr + "/capabilities", i), "unknown capability " + quote((*mesos)[i])});
    else if (std::find(out.begin(), out.end(), name) == out.end())
      out.push_back(name);
  }
  return out;
}

void add_capabilities(const ContainerInfo& info, spec::Process& proc, Problems& p) {
  auto bounding = oci_caps(info.bounding_capabilities, "/linux_info/bounding_capabilities", p);
  const std::string effective_ptr = "/linux_info/" + info.effective_key;
  auto effective = oci_caps(info.effective_capabilities, effective_ptr, p);
  if (!bounding && !effective) return;
  // As Mesos's linux/capabilities isolator: each set defaults to the other,
  // and the effective set must lie within the bounding set.
  if (!bounding) bounding = effective;
  if (!effective) effective = bounding;
  for (const auto& c : *effective)
    if (std::find(bounding->begin(), bounding->end(), c) == bounding->end())
      p.push_back({effective_ptr, c.substr(4) + " is effective but not in bounding_capabilities"});
  spec::Capabilities caps;
  caps.bounding = bounding;
  caps.effective = effective;
  caps.permitted = effective;
  caps.inheritable = effective;
  proc.capabilities = caps;
}

void add_rlimits(const ContainerInfo& info, spec::Process& proc, Problems& p) {
  std::set<std::string> seen;
  for (size_t i = 0; i < info.rlimits.size(); ++i) {
    const RLimit& r = info.rlimits[i];
    std::string ptr = child_pointer("/rlimit_info/rlimits", i);
    if (!r.type.starts_with("RLMT_") || !spec::rlimit_resource("RLIMIT_" + r.type.substr(5))) {
      p.push_back({ptr + "/type", "unknown rlimit type " + quote(r.type)});
      continue;
    }
    std::string type = "RLIMIT_" + r.type.substr(5);
    if (!seen.insert(type).second) p.push_back({ptr, "duplicate rlimit " + r.type});
    if (r.hard.has_value() != r.soft.has_value()) {
      p.push_back({ptr, "soft and hard must be given together (neither means unlimited)"});
      continue;
    }
    uint64_t hard = r.hard.value_or(kUnlimited), soft = r.soft.value_or(kUnlimited);
    if (soft > hard)
      p.push_back({ptr + "/soft", "must not exceed hard (" + std::to_string(hard) + ")"});
    proc.rlimits.push_back({type, soft, hard});
  }
}

}  // namespace

Result<std::pair<spec::HookPhase, spec::Hook>> parse_hook_flag(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos)
    return fail("--hook " + quote(text) + ": expected PHASE=PATH[,ARG...]");
  std::string phase_name(text.substr(0, eq));
  std::optional<spec::HookPhase> phase;
  for (auto ph : spec::kHookPhases)
    if (phase_name == spec::hook_phase_name(ph)) phase = ph;
  if (!phase)
    return fail(
        "--hook: unknown phase " + quote(phase_name) +
        " (known: prestart, createRuntime, createContainer, startContainer, poststart, poststop)");
  auto parts = split(text.substr(eq + 1), ',');
  if (parts[0].empty() || parts[0][0] != '/')
    return fail("--hook " + quote(text) + ": PATH must be absolute");
  spec::Hook h;
  h.path = parts[0];
  h.args = parts;  // argv[0] is the path itself
  return std::pair{*phase, h};
}

namespace {

// With an image (filesystem/linux and --rootfs), what Mesos's
// filesystem/linux isolator mounts (ROOTFS_CONTAINER_MOUNTS) and masks
// (ROOTFS_MASKED_PATHS), and the sandbox at /mnt/mesos/sandbox.
void add_image_filesystem(spec::Config& c, spec::Linux& l, const std::string& work_dir,
                          bool own_shm) {
  c.mounts.push_back({"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}});
  c.mounts.push_back({"/sys", "sysfs", "sysfs", {"ro", "nosuid", "noexec", "nodev"}});
  c.mounts.push_back(
      {"/sys/fs/cgroup", "tmpfs", "tmpfs", {"nosuid", "noexec", "nodev", "mode=755"}});
  c.mounts.push_back({"/dev", "tmpfs", "tmpfs", {"nosuid", "noexec", "strictatime", "mode=755"}});
  c.mounts.push_back({"/dev/pts",
                      "devpts",
                      "devpts",
                      {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}});
  // Its own /dev/shm, unless namespaces/ipc decides (see add_ipc).
  if (own_shm)
    c.mounts.push_back(
        {"/dev/shm", "tmpfs", "tmpfs", {"nosuid", "nodev", "strictatime", "mode=1777"}});
  l.readonly_paths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
  l.masked_paths = {"/proc/acpi",       "/proc/asound",        "/proc/kcore",       "/proc/keys",
                    "/proc/key-users",  "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi",
                    "/proc/timer_list", "/proc/timer_stats",   "/sys/firmware"};
  c.mounts.push_back({kSandboxInImage, "bind", work_dir, {"rbind", "rw"}});
}

// namespaces/ipc with linux_info.ipc_mode and shm_size, as Mesos's isolator
// for a top-level container: unset -> a private IPC namespace (and, with an
// image, a /dev/shm of its own); PRIVATE -> that plus a /dev/shm of its own,
// shm_size MB if given; SHARE_PARENT -> the host's IPC namespace and /dev/shm.
void add_ipc(const ContainerInfo& info, const Isolation& iso, bool image, spec::Config& c,
             spec::Linux& l, Problems& p) {
  if (!iso.ipc) {
    if (info.ipc_mode) p.push_back({"/linux_info/ipc_mode", "needs the namespaces/ipc isolator"});
    if (info.shm_size) p.push_back({"/linux_info/shm_size", "needs the namespaces/ipc isolator"});
    return;
  }
  bool priv = info.ipc_mode == "PRIVATE", share = info.ipc_mode == "SHARE_PARENT";
  if (info.shm_size && !priv)
    p.push_back({"/linux_info/shm_size",
                 "Only support specifying the size of /dev/shm when the IPC mode is `PRIVATE`"});
  if (share) {
    if (image) c.mounts.push_back({"/dev/shm", "bind", "/dev/shm", {"rbind", "rw"}});
    return;
  }
  l.namespaces.push_back({"ipc", std::nullopt});
  if (image) c.mounts.push_back({"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}});
  if (priv || image) {
    if (!iso.mount_namespace())
      return p.push_back({"/linux_info/ipc_mode",
                          "a private /dev/shm needs a mount namespace (filesystem/linux)"});
    std::vector<std::string> o = {"nosuid", "nodev", "strictatime", "mode=1777"};
    if (info.shm_size)
      o.push_back("size=" + std::to_string(static_cast<uint64_t>(*info.shm_size) * 1024 * 1024));
    c.mounts.push_back({"/dev/shm", "tmpfs", "tmpfs", o});
  }
}

// linux_info.seccomp, or the agent's default (--seccomp-profile): the path of
// the profile to read, as Mesos's linux/seccomp finds it (profile names are
// relative to --seccomp-config-dir).
void add_seccomp(const ContainerInfo& info, const ConvertOptions& opts, Conversion& out,
                 Problems& p) {
  if (info.seccomp_unconfined) return;
  std::optional<std::string> name =
      info.seccomp_profile ? info.seccomp_profile : opts.seccomp_profile;
  if (!name) return;
  std::string ptr = info.seccomp_profile ? "/linux_info/seccomp/profile_name" : "";
  if (!opts.seccomp_config_dir) {
    if (ptr.empty())
      out.seccomp_profile_path = *name;  // --seccomp-profile with no dir: a path of its own
    else
      p.push_back({ptr, "names a profile in a seccomp config dir: give --seccomp-config-dir DIR"});
    return;
  }
  if (name->empty() || (*name)[0] == '/' || has_dot_components(*name))
    return p.push_back({ptr.empty() ? "/" : ptr,
                        quote(*name) + " must be a file name below --seccomp-config-dir"});
  out.seccomp_profile_path = *opts.seccomp_config_dir + "/" + *name;
}

void add_process(const ContainerInfo& info, const ConvertOptions& opts, const std::string& sandbox,
                 spec::Config& c, Problems& p) {
  spec::Process proc;
  proc.args = opts.command;
  proc.cwd = sandbox;
  proc.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
              "MESOS_SANDBOX=" + sandbox};
  if (info.tty) {
    proc.terminal = true;
    proc.env.push_back("TERM=xterm");
    if (info.tty_rows && info.tty_columns)
      proc.console_size = spec::ConsoleSize{*info.tty_rows, *info.tty_columns};
  }
  add_capabilities(info, proc, p);
  add_rlimits(info, proc, p);
  c.process = std::move(proc);
}

// disk/du (Mesos's PosixDiskIsolatorProcess): the sandbox is measured; the
// `disk` resource (MB) is its quota, enforced only when asked, as in Mesos.
Result<spec::DiskWatch> disk_watch(const std::map<std::string, double>& resources,
                                   const ConvertOptions& opts, const std::string& work_dir) {
  spec::DiskWatch w;
  w.path = work_dir;
  if (auto it = resources.find("disk"); it != resources.end())
    w.limit = static_cast<uint64_t>(it->second * 1024 * 1024);
  w.enforce = opts.enforce_container_disk_quota;
  if (opts.container_disk_watch_interval) {
    auto s = parse_duration(*opts.container_disk_watch_interval);
    if (!s) return std::unexpected(std::move(s.error()).context("--container-disk-watch-interval"));
    w.interval = *s;
  }
  return w;
}

// The options, checked and read once.
struct Inputs {
  Isolation iso;
  std::map<std::string, double> resources;
  std::string work_dir;  // normalized
  bool image = false;    // --rootfs given: the container has a root of its own
  std::string sandbox;   // the work dir as the container sees it
};

Result<Inputs> read_options(const ConvertOptions& opts) {
  Inputs in;
  auto iso = parse_isolation(opts.isolation);
  if (!iso) return std::unexpected(iso.error());
  in.iso = *iso;
  if (opts.command.empty())
    return fail("no command: give it after the options (mcrun convert ... -- COMMAND [ARG...])");
  if (opts.work_dir.empty() || opts.work_dir[0] != '/')
    return fail("--work-dir must be an absolute path");
  if (opts.rootfs && !in.iso.mount_namespace())
    return fail("--rootfs needs a mount namespace: add filesystem/linux to --isolation");
  if (opts.resources) {
    auto r = parse_resources(*opts.resources);
    if (!r) return std::unexpected(r.error());
    in.resources = std::move(*r);
  }
  in.work_dir = normalize(opts.work_dir);
  if (auto why = too_long(in.work_dir)) return fail("--work-dir " + *why);
  in.image = opts.rootfs.has_value();
  in.sandbox = in.image ? kSandboxInImage : in.work_dir;
  return in;
}

// namespaces/pid, filesystem/linux and the IPC mode: the namespaces and the
// mounts that come with them.
void add_namespaces(const ContainerInfo& info, const Inputs& in, spec::Config& c,
                    spec::Linux& linux, Problems& p) {
  bool pid_ns = in.iso.pid && !info.share_pid_namespace;
  // namespaces/pid needs a mount namespace of its own to mount the fresh /proc.
  if (in.iso.mount_namespace() || pid_ns) linux.namespaces.push_back({"mount", std::nullopt});
  if (pid_ns) linux.namespaces.push_back({"pid", std::nullopt});
  if (info.hostname) linux.namespaces.push_back({"uts", std::nullopt});
  if (in.image)
    add_image_filesystem(c, linux, in.work_dir, !in.iso.ipc);
  else if (pid_ns)
    c.mounts.push_back({"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}});
  add_ipc(info, in.iso, in.image, c, linux, p);
}

}  // namespace

Result<Conversion> convert(const ContainerInfo& info, const ConvertOptions& opts) {
  auto in = read_options(opts);
  if (!in) return std::unexpected(in.error());
  const Isolation& iso = in->iso;
  const auto rootfs = in->image ? std::optional(normalize(*opts.rootfs)) : std::nullopt;

  Problems p;
  Conversion out;
  spec::Config& c = out.config;
  c.oci_version = spec::kOciVersion;
  add_process(info, opts, in->sandbox, c, p);
  c.root = spec::Root{rootfs.value_or("/"), false};
  c.hostname = info.hostname;
  spec::Linux linux;
  add_namespaces(info, *in, c, linux, p);
  if (!info.volumes.empty() && !iso.mount_namespace())
    p.push_back({"/volumes",
                 "volumes need a filesystem isolator with a mount namespace (filesystem/linux or "
                 "filesystem/shared)"});
  else
    add_volumes(info, {in->work_dir, in->sandbox, rootfs, iso.linux_fs}, out, p);

  if (iso.cpu || iso.mem || iso.pids) {
    spec::Resources r =
        cgroup_resources(in->resources, {iso.cpu, iso.mem, iso.pids, opts.cgroups_enable_cfs});
    if (r.cpu || r.memory || r.pids) linux.resources = std::move(r);
  }
  add_seccomp(info, opts, out, p);
  if (iso.disk) {
    auto watch = disk_watch(in->resources, opts, in->work_dir);
    if (!watch) return std::unexpected(watch.error());
    spec::add_disk_watch(c.annotations, *watch);
  }
  if (!linux.namespaces.empty() || linux.resources || !linux.masked_paths.empty())
    c.linux = std::move(linux);
  for (const auto& [phase, hook] : opts.hooks) {
    if (!c.hooks) c.hooks = spec::Hooks{};
    c.hooks->of(phase).push_back(hook);
  }
  if (!p.empty()) return fail(spec::format_problems(opts.input_name, p));

  // The result must itself be a valid config (a converter bug otherwise).
  if (auto problems = spec::validate_config(c); !problems.empty())
    return fail(spec::format_problems("generated config.json", problems));
  return out;
}

}  // namespace mcrun::converters
