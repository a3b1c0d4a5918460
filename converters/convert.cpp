#include "converters/convert.hpp"

#include <algorithm>
#include <climits>
#include <set>

#include "converters/resources.hpp"
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

// Path components; "." and ".." are kept so callers can reject them.
std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  for (auto& c : split(path, '/'))
    if (!c.empty()) out.push_back(std::move(c));
  return out;
}

bool has_dot_components(std::string_view path) {
  auto c = components(path);
  return std::any_of(c.begin(), c.end(), [](const std::string& s) { return s == "." || s == ".."; });
}

// True when `a` is `b` or lies below it, by whole components: /tmp is not a
// parent of /tmpfoo (the string-prefix comparison Mesos once made).
bool is_within(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return b.size() <= a.size() && std::equal(b.begin(), b.end(), a.begin());
}

std::string normalize(std::string_view path) {
  std::string out;
  for (const auto& c : components(path)) out += "/" + c;
  return out.empty() ? "/" : out;
}

// Paths the kernel would refuse (ENAMETOOLONG) are refused before anything
// is created, not after the first twenty directories of them.
std::optional<std::string> too_long(std::string_view path) {
  if (path.size() >= PATH_MAX) return "is longer than a path may be (" + std::to_string(PATH_MAX - 1) + " bytes)";
  for (const auto& c : components(path))
    if (c.size() > NAME_MAX)
      return "has a component longer than a file name may be (" + std::to_string(NAME_MAX) + " bytes)";
  return std::nullopt;
}

struct Isolation {
  bool shared_fs = false, pid = false, ipc = false, cpu = false, mem = false, pids = false;
};

Result<Isolation> parse_isolation(const std::string& list) {
  Isolation iso;
  for (auto& raw : split(list, ',')) {
    std::string name = raw;
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (name.empty()) continue;
    if (name == "filesystem/shared") iso.shared_fs = true;
    else if (name == "namespaces/pid") iso.pid = true;
    else if (name == "namespaces/ipc") iso.ipc = true;
    else if (name == "cgroups/cpu") iso.cpu = true;
    else if (name == "cgroups/mem") iso.mem = true;
    else if (name == "cgroups/pids") iso.pids = true;
    else if (name == "posix/cpu" || name == "posix/mem" || name == "filesystem/posix") {
      // POSIX isolation: nothing is isolated, usage is only reported.
    } else {
      std::string known;
      for (const auto& k : known_isolators()) known += (known.empty() ? "" : ", ") + k;
      return fail("--isolation: unknown isolator " + quote(name) + " (known: " + known + ")");
    }
  }
  return iso;
}

std::optional<std::vector<std::string>> oci_caps(const std::optional<std::vector<std::string>>& mesos,
                                                 const std::string& ptr, Problems& p) {
  if (!mesos) return std::nullopt;
  std::vector<std::string> out;
  for (size_t i = 0; i < mesos->size(); ++i) {
    std::string name = "CAP_" + (*mesos)[i];
    if (!spec::capability_number(name))
      p.push_back({child_pointer(ptr + "/capabilities", i), "unknown capability " + quote((*mesos)[i])});
    else if (std::find(out.begin(), out.end(), name) == out.end())
      out.push_back(name);
  }
  return out;
}

void add_capabilities(const ContainerInfo& info, spec::Process& proc, Problems& p) {
  auto bounding = oci_caps(info.bounding_capabilities, "/linux_info/bounding_capabilities", p);
  auto effective = oci_caps(info.effective_capabilities, "/linux_info/effective_capabilities", p);
  if (!bounding && !effective) return;
  // As Mesos's linux/capabilities isolator: each set defaults to the other,
  // and the effective set must lie within the bounding set.
  if (!bounding) bounding = effective;
  if (!effective) effective = bounding;
  for (const auto& c : *effective)
    if (std::find(bounding->begin(), bounding->end(), c) == bounding->end())
      p.push_back({"/linux_info/effective_capabilities",
                   c.substr(4) + " is effective but not in bounding_capabilities"});
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
    if (soft > hard) p.push_back({ptr + "/soft", "must not exceed hard (" + std::to_string(hard) + ")"});
    proc.rlimits.push_back({type, soft, hard});
  }
}

spec::Mount bind_mount(std::string dest, std::string source, bool readonly) {
  return spec::Mount{std::move(dest), "bind", std::move(source), {"rbind", readonly ? "ro" : "rw"}};
}

}  // namespace

const std::vector<std::string>& known_isolators() {
  static const std::vector<std::string> k = {"filesystem/shared", "filesystem/posix", "namespaces/pid",
                                             "namespaces/ipc",    "cgroups/cpu",      "cgroups/mem",
                                             "cgroups/pids",      "posix/cpu",        "posix/mem"};
  return k;
}

Result<std::pair<spec::HookPhase, spec::Hook>> parse_hook_flag(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos) return fail("--hook " + quote(text) + ": expected PHASE=PATH[,ARG...]");
  std::string phase_name(text.substr(0, eq));
  std::optional<spec::HookPhase> phase;
  for (auto ph : spec::kHookPhases)
    if (phase_name == spec::hook_phase_name(ph)) phase = ph;
  if (!phase)
    return fail("--hook: unknown phase " + quote(phase_name) +
                " (known: prestart, createRuntime, createContainer, startContainer, poststart, poststop)");
  auto parts = split(text.substr(eq + 1), ',');
  if (parts[0].empty() || parts[0][0] != '/') return fail("--hook " + quote(text) + ": PATH must be absolute");
  spec::Hook h;
  h.path = parts[0];
  h.args = parts;  // argv[0] is the path itself
  return std::pair{*phase, h};
}

Result<Conversion> convert(const ContainerInfo& info, const ConvertOptions& opts) {
  auto iso = parse_isolation(opts.isolation);
  if (!iso) return std::unexpected(iso.error());
  if (opts.command.empty()) return fail("no command: give it after the options (mcrun convert ... -- COMMAND [ARG...])");
  if (opts.work_dir.empty() || opts.work_dir[0] != '/') return fail("--work-dir must be an absolute path");
  if (opts.rootfs && !iso->shared_fs)
    return fail("--rootfs needs a mount namespace: add filesystem/shared to --isolation");
  std::map<std::string, double> resources;
  if (opts.resources) {
    auto r = parse_resources(*opts.resources);
    if (!r) return std::unexpected(r.error());
    resources = std::move(*r);
  }

  Problems p;
  Conversion out;
  spec::Config& c = out.config;
  c.oci_version = spec::kOciVersion;
  const bool image = opts.rootfs.has_value();
  const std::string work_dir = normalize(opts.work_dir);
  if (auto why = too_long(work_dir)) return fail("--work-dir " + *why);
  const std::string sandbox = image ? kSandboxInImage : work_dir;

  spec::Process proc;
  proc.args = opts.command;
  proc.cwd = sandbox;
  proc.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "MESOS_SANDBOX=" + sandbox};
  if (info.tty) {
    proc.terminal = true;
    proc.env.push_back("TERM=xterm");
    if (info.tty_rows && info.tty_columns) proc.console_size = spec::ConsoleSize{*info.tty_rows, *info.tty_columns};
  }
  add_capabilities(info, proc, p);
  add_rlimits(info, proc, p);
  c.process = std::move(proc);
  c.root = spec::Root{image ? normalize(*opts.rootfs) : "/", false};
  c.hostname = info.hostname;

  spec::Linux linux;
  bool pid_ns = iso->pid && !info.share_pid_namespace;
  // namespaces/pid needs a mount namespace of its own to mount the fresh /proc.
  if (iso->shared_fs || pid_ns) linux.namespaces.push_back({"mount", std::nullopt});
  if (pid_ns) linux.namespaces.push_back({"pid", std::nullopt});
  if (iso->ipc) linux.namespaces.push_back({"ipc", std::nullopt});
  if (info.hostname) linux.namespaces.push_back({"uts", std::nullopt});

  // A fresh /proc shows the new pid namespace; without one the host's stays.
  if (pid_ns) c.mounts.push_back({"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}});
  if (image) {
    c.mounts.push_back({"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}});
    c.mounts.push_back({"/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}});
    c.mounts.push_back({"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}});
    c.mounts.push_back(bind_mount(kSandboxInImage, work_dir, false));
  }

  if (!info.volumes.empty() && !iso->shared_fs)
    p.push_back({"/volumes", "volumes need the filesystem/shared isolator (a mount namespace)"});
  std::vector<std::pair<std::vector<std::string>, size_t>> dests;  // for the nesting check
  for (size_t i = 0; i < info.volumes.size(); ++i) {
    const Volume& v = info.volumes[i];
    std::string ptr = child_pointer("/volumes", i);
    const std::string& cp = v.container_path;
    if (cp.empty() || cp[0] != '/') {
      p.push_back({ptr + "/container_path", quote(cp) + " must be an absolute path"});
      continue;
    }
    if (has_dot_components(cp) || cp == "/") {
      p.push_back({ptr + "/container_path", quote(cp) + " must be a path below \"/\" without \".\" or \"..\""});
      continue;
    }
    auto comps = components(cp);
    dests.emplace_back(comps, i);
    // On the shared filesystem the sandbox is the work dir itself: a volume
    // mounted over it (or over a parent) would hide it from the container.
    if (!image && is_within(components(work_dir), comps))
      p.push_back({ptr + "/container_path", quote(cp) + " would hide the work dir " + quote(work_dir) +
                                                " from the container; choose a --work-dir outside it"});
    if (image && is_within(comps, components(kSandboxInImage)))
      p.push_back({ptr + "/container_path", quote(cp) + " is inside the sandbox mount " + quote(kSandboxInImage)});
    std::string dest = normalize(cp);
    if (auto why = too_long(dest)) {
      p.push_back({ptr + "/container_path", quote(cp) + " " + *why});
      continue;
    }
    if (!image) out.required.push_back({i, dest, "container_path"});
    if (!v.host_path) continue;
    const std::string& hp = *v.host_path;
    std::string source;
    if (hp.empty()) {
      p.push_back({ptr + "/host_path", "must not be empty"});
      continue;
    } else if (hp[0] == '/') {
      source = normalize(hp);
      out.required.push_back({i, source, "host_path"});
    } else {
      if (has_dot_components(hp)) {
        p.push_back({ptr + "/host_path", quote(hp) + " must stay inside the work dir: \".\" and \"..\" are not allowed"});
        continue;
      }
      source = work_dir + normalize(hp);
      if (auto why = too_long(source)) {
        p.push_back({ptr + "/host_path", quote(hp) + " " + *why});
        continue;
      }
      out.sandbox_dirs.push_back({i, normalize(hp).substr(1), dest, opts.rootfs ? std::optional(normalize(*opts.rootfs)) : std::nullopt});
    }
    c.mounts.push_back(bind_mount(dest, source, v.mode == Volume::Mode::RO));
  }

  // Nested or repeated container paths. Sorted by components, a path's
  // descendants follow it directly, so neighbours suffice: O(n log n).
  std::sort(dests.begin(), dests.end());
  for (size_t k = 1; k < dests.size(); ++k) {
    if (!is_within(dests[k].first, dests[k - 1].first)) continue;
    size_t a = std::min(dests[k].second, dests[k - 1].second), b = std::max(dests[k].second, dests[k - 1].second);
    p.push_back({child_pointer("/volumes", b) + "/container_path",
                 quote(info.volumes[b].container_path) + " overlaps volume " + std::to_string(a) + " (" +
                     quote(info.volumes[a].container_path) + "): nested volumes are not supported"});
  }

  if (iso->cpu || iso->mem || iso->pids) {
    spec::Resources r = cgroup_resources(resources, iso->cpu, iso->mem, iso->pids);
    if (r.cpu || r.memory || r.pids_limit) linux.resources = std::move(r);
  }
  if (!linux.namespaces.empty() || linux.resources) c.linux = std::move(linux);
  for (const auto& [phase, hook] : opts.hooks) {
    if (!c.hooks) c.hooks = spec::Hooks{};
    c.hooks->phases[phase].push_back(hook);
  }
  if (!p.empty()) return fail(spec::format_problems(opts.input_name, p));

  // The result must itself be a valid config (a converter bug otherwise).
  if (auto problems = spec::validate_config(c); !problems.empty())
    return fail(spec::format_problems("generated config.json", problems));
  return out;
}

}  // namespace mcrun::converters
