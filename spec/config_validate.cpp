// Semantic rules from config.md and config-linux.md. Every problem is kept.
#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

#include "spec/config.hpp"
#include "spec/disk_watch.hpp"
#include "spec/names.hpp"

namespace mcrun::spec {
namespace {

class Validator {
 public:
  Problems run(const Config& c) {
    version(c.oci_version);
    if (!c.root)
      add("/root", "is required");
    else if (c.root->path.empty())
      add("/root/path", "must not be empty");
    if (c.process) process(*c.process);
    const bool userns = c.linux && c.linux->find_namespace("user");
    for (size_t i = 0; i < c.mounts.size(); ++i)
      mount(c.mounts[i], child_pointer("/mounts", i), userns);
    if (c.hooks) hooks(*c.hooks);
    if (c.linux) linux(*c.linux);
    (void)disk_watch(c.annotations, problems_);
    const Linux* l = c.linux ? &*c.linux : nullptr;
    bool uts = l && l->find_namespace("uts");
    // Without a mount namespace the host's mount table is the container's:
    // a root is entered with chroot and the mounts are not made (as a warning
    // says), but a read-only root or masked paths cannot be had without
    // changing the host (runc refuses the latter too).
    if (!(l && l->find_namespace("mount"))) {
      std::vector<std::string> need;
      if (c.root && c.root->readonly) need.push_back("/root/readonly");
      if (l && !l->masked_paths.empty()) need.push_back("/linux/maskedPaths");
      if (l && !l->readonly_paths.empty()) need.push_back("/linux/readonlyPaths");
      if (!need.empty()) {
        std::string list;
        for (const auto& n : need) list += (list.empty() ? "" : ", ") + n;
        add("/linux/namespaces",
            "must include {\"type\": \"mount\"}: " + list +
                " need a mount namespace (without one they would change the host)");
      }
    }
    if (c.hostname && !c.hostname->empty() && !uts)
      add("/hostname",
          "needs a private uts namespace (add {\"type\": \"uts\"} to /linux/namespaces)");
    if (c.domainname && !c.domainname->empty() && !uts)
      add("/domainname",
          "needs a private uts namespace (add {\"type\": \"uts\"} to /linux/namespaces)");
    return std::move(problems_);
  }

 private:
  void add(std::string pointer, std::string message) {
    problems_.push_back({std::move(pointer), std::move(message)});
  }

  void absolute(const std::string& path, const std::string& ptr) {
    if (path.empty())
      add(ptr, "must not be empty");
    else if (path[0] != '/')
      add(ptr, "must be an absolute path");
  }

  // MAJOR.MINOR.PATCH, then an optional -prerelease and +build of [0-9A-Za-z.-].
  static bool semver(const std::string& v, std::string& major) {
    size_t pos = 0;
    for (int part = 0; part < 3; ++part) {
      size_t start = pos;
      while (pos < v.size() && std::isdigit(static_cast<unsigned char>(v[pos]))) ++pos;
      if (pos == start) return false;
      if (part == 0) major = v.substr(start, pos - start);
      if (part < 2 && (pos >= v.size() || v[pos++] != '.')) return false;
    }
    if (pos < v.size() && v[pos] != '-' && v[pos] != '+') return false;
    for (size_t i = pos; i < v.size(); ++i)
      if (!std::isalnum(static_cast<unsigned char>(v[i])) && v[i] != '.' && v[i] != '-' &&
          v[i] != '+')
        return false;
    return pos == v.size() || v.size() > pos + 1;
  }

  void version(const std::string& v) {
    std::string major;
    if (!semver(v, major))
      add("/ociVersion", "must be a SemVer 2.0.0 version like \"1.3.0\", not \"" + v + "\"");
    else if (major != "1")
      add("/ociVersion", "version " + v + " is not supported (mcrun implements 1.x)");
  }

  void process(const Process& p) {
    if (p.args.empty()) add("/process/args", "must have at least one entry (the program to run)");
    absolute(p.cwd, "/process/cwd");
    for (size_t i = 0; i < p.env.size(); ++i)
      if (p.env[i].find('=') == std::string::npos || p.env[i][0] == '=')
        add(child_pointer("/process/env", i), "must have the form KEY=VALUE");
    if (p.console_size && !p.terminal)
      add("/process/consoleSize", "is only meaningful with \"terminal\": true");
    if (p.user.umask && *p.user.umask > 07777)
      add("/process/user/umask", "must be a file mode bit mask (at most 07777)");
    if (p.oom_score_adj && (*p.oom_score_adj < -1000 || *p.oom_score_adj > 1000))
      add("/process/oomScoreAdj", "must be between -1000 and 1000");
    if (p.scheduler) scheduler(*p.scheduler);
    if (p.io_priority) io_priority(*p.io_priority);
    if (const auto& a = p.exec_cpu_affinity)
      for (const auto& [key, list] : {std::pair{"initial", &a->initial}, {"final", &a->final}})
        if (*list && !(*list)->empty() && !parse_cpu_list(**list))
          add(std::string("/process/execCPUAffinity/") + key,
              "must be a list of CPUs such as \"0-3,7\", not \"" + **list + "\"");
    std::set<std::string> seen;
    for (size_t i = 0; i < p.rlimits.size(); ++i) {
      const auto& r = p.rlimits[i];
      std::string ptr = child_pointer("/process/rlimits", i);
      if (!rlimit_resource(r.type))
        add(ptr + "/type",
            "unknown rlimit \"" + r.type + "\" (known: " + join_names(rlimit_names()) + ")");
      else if (!seen.insert(r.type).second)
        add(ptr, "duplicate rlimit " + r.type);
      if (r.soft > r.hard)
        add(ptr + "/soft", "must not exceed hard (" + std::to_string(r.hard) + ")");
    }
    // Unknown capability names are not refused: create warns and ignores
    // them (drop_ungrantable_capabilities), as runtime-spec asks.
  }

  // What sched_setattr would refuse with a bare EINVAL, named here; the
  // kernel still judges SCHED_DEADLINE's runtime <= deadline <= period.
  void scheduler(const Scheduler& s) {
    const std::string ptr = "/process/scheduler";
    auto policy = sched_policy(s.policy);
    if (!policy)
      add(ptr + "/policy",
          "unknown policy \"" + s.policy + "\" (known: " + join_names(sched_policies()) + ")");
    for (size_t i = 0; i < s.flags.size(); ++i)
      if (!sched_flag(s.flags[i]))
        add(child_pointer(ptr + "/flags", i),
            "unknown flag \"" + s.flags[i] + "\" (known: " + join_names(sched_flags()) + ")");
    if (s.nice && (*s.nice < -20 || *s.nice > 19)) add(ptr + "/nice", "must be between -20 and 19");
    if (!policy) return;  // its priority and times mean nothing yet
    const bool realtime = s.policy == "SCHED_FIFO" || s.policy == "SCHED_RR";
    if (realtime && (!s.priority || *s.priority < 1 || *s.priority > 99))
      add(ptr + "/priority", "must be between 1 and 99 for " + s.policy);
    else if (!realtime && s.priority && *s.priority != 0)
      add(ptr + "/priority", "must be 0: only SCHED_FIFO and SCHED_RR have a static priority");
    if (s.policy == "SCHED_DEADLINE" && (!s.runtime || !s.deadline))
      add(ptr, "SCHED_DEADLINE needs runtime and deadline (and takes period)");
  }

  void io_priority(const IoPriority& io) {
    if (!io_priority_class(io.io_class))
      add("/process/ioPriority/class", "unknown class \"" + io.io_class +
                                           "\" (known: " + join_names(io_priority_classes()) + ")");
    if (io.priority < 0 || io.priority > 7)
      add("/process/ioPriority/priority", "must be between 0 and 7");
  }

  void mount(const Mount& m, const std::string& ptr, bool userns) {
    absolute(m.destination, ptr + "/destination");
    for (size_t i = 0; i < m.options.size(); ++i)
      if (m.options[i].empty()) add(child_pointer(ptr + "/options", i), "must not be empty");
    proc_destination(m, ptr + "/destination");
    id_mapping(m, ptr, userns);
  }

  static bool is_bind(const Mount& m) {
    return m.type == "bind" || std::any_of(m.options.begin(), m.options.end(),
                                           [](auto& o) { return o == "bind" || o == "rbind"; });
  }

  // An id-mapped mount (config.md): "idmap"/"ridmap", or mappings without
  // either (as runc: the mappings alone ask for it). The mappings come in
  // pairs; without any, the container's user namespace lends its own.
  void id_mapping(const Mount& m, const std::string& ptr, bool userns) {
    auto option = std::find_if(m.options.begin(), m.options.end(),
                               [](auto& o) { return o == "idmap" || o == "ridmap"; });
    bool mapped = !m.uid_mappings.empty() || !m.gid_mappings.empty();
    if (option == m.options.end() && !mapped) return;
    std::string where = option != m.options.end()
                            ? child_pointer(ptr + "/options", option - m.options.begin())
                            : ptr + (m.uid_mappings.empty() ? "/gidMappings" : "/uidMappings");
    if (!is_bind(m))
      add(where, "an id-mapped mount must be a bind mount (type \"bind\" or option \"rbind\")");
    if (m.uid_mappings.empty() != m.gid_mappings.empty())
      add(ptr + (m.uid_mappings.empty() ? "/uidMappings" : "/gidMappings"),
          "is required with " +
              std::string(m.uid_mappings.empty() ? "gidMappings" : "uidMappings"));
    if (!mapped && !userns)
      add(where, "needs uidMappings and gidMappings, or a user namespace whose mapping it takes");
    for (const auto* list : {&m.uid_mappings, &m.gid_mappings})
      for (size_t i = 0; i < list->size(); ++i)
        if ((*list)[i].size == 0)
          add(child_pointer(ptr + (list == &m.uid_mappings ? "/uidMappings" : "/gidMappings"), i) +
                  "/size",
              "must be greater than zero");
  }

  // As runc: on /proc only a procfs, inside it only the files lxcfs
  // emulates (the container's /proc is where its labels and sysctls are
  // written). The runtime checks the destination as resolved in the root,
  // and a bind's source, again.
  void proc_destination(const Mount& m, const std::string& ptr) {
    std::string d = in_root(m.destination);
    if (d == "/proc") {
      if (!is_bind(m) && m.type != "proc")
        add(ptr, "only a procfs may be mounted on /proc (type proc, or a bind of a procfs)");
    } else if (d.starts_with("/proc/") && !contains(proc_mountable_files(), d)) {
      add(ptr, "\"" + d + "\" is inside /proc, where only the files lxcfs emulates may be mounted");
    }
  }

  // A path as it is resolved inside the root, symlinks aside: "." and empty
  // components dropped, ".." going up but never above "/".
  static std::string in_root(const std::string& path) {
    std::vector<std::string> parts;
    size_t pos = 0;
    while (pos <= path.size()) {
      size_t end = std::min(path.find('/', pos), path.size());
      std::string part = path.substr(pos, end - pos);
      if (part == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!part.empty() && part != ".") {
        parts.push_back(std::move(part));
      }
      pos = end + 1;
    }
    std::string out;
    for (const auto& p : parts) out += "/" + p;
    return out.empty() ? "/" : out;
  }

  void hooks(const Hooks& h) {
    for (HookPhase phase : kHookPhases) {
      const std::vector<Hook>& list = h.of(phase);
      std::string base = child_pointer("/hooks", hook_phase_name(phase));
      for (size_t i = 0; i < list.size(); ++i) {
        std::string ptr = child_pointer(base, i);
        absolute(list[i].path, ptr + "/path");
        if (list[i].timeout && *list[i].timeout <= 0)
          add(ptr + "/timeout", "must be greater than zero");
      }
    }
  }

  void mappings(const std::vector<IdMapping>& ms, const std::string& ptr, bool userns) {
    if (!ms.empty() && !userns)
      add(ptr, "needs a user namespace (add {\"type\": \"user\"} to /linux/namespaces)");
    for (size_t i = 0; i < ms.size(); ++i)
      if (ms[i].size == 0) add(child_pointer(ptr, i) + "/size", "must be greater than zero");
  }

  void linux(const Linux& l) {
    std::set<std::string> seen;
    for (size_t i = 0; i < l.namespaces.size(); ++i) {
      const auto& n = l.namespaces[i];
      std::string ptr = child_pointer("/linux/namespaces", i);
      if (!contains(namespace_types(), n.type))
        add(ptr + "/type",
            "unknown namespace \"" + n.type + "\" (known: " + join_names(namespace_types()) + ")");
      else if (!seen.insert(n.type).second)
        add(ptr, "duplicate namespace \"" + n.type + "\"");
      if (n.path) absolute(*n.path, ptr + "/path");
    }
    bool userns = seen.contains("user");
    mappings(l.uid_mappings, "/linux/uidMappings", userns);
    mappings(l.gid_mappings, "/linux/gidMappings", userns);
    for (size_t i = 0; i < l.devices.size(); ++i) {
      const auto& d = l.devices[i];
      std::string ptr = child_pointer("/linux/devices", i);
      if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p")
        add(ptr + "/type", "must be one of c, b, u, p, not \"" + d.type + "\"");
      else if (d.type != "p" && (!d.major || !d.minor))
        add(ptr, "major and minor are required for a \"" + d.type + "\" device");
      absolute(d.path, ptr + "/path");
    }
    if (l.rootfs_propagation && !contains(propagation_modes(), *l.rootfs_propagation))
      add("/linux/rootfsPropagation", "must be one of " + join_names(propagation_modes()));
    for (size_t i = 0; i < l.masked_paths.size(); ++i)
      absolute(l.masked_paths[i], child_pointer("/linux/maskedPaths", i));
    for (size_t i = 0; i < l.readonly_paths.size(); ++i)
      absolute(l.readonly_paths[i], child_pointer("/linux/readonlyPaths", i));
    if (l.resources) resources(*l.resources);
    if (l.seccomp) seccomp(*l.seccomp);
    for (const auto& [key, value] : l.sysctl) sysctl(key, seen);
    if (l.personality) {
      if (l.personality->domain != "LINUX" && l.personality->domain != "LINUX32")
        add("/linux/personality/domain",
            "must be LINUX or LINUX32, not \"" + l.personality->domain + "\"");
      if (!l.personality->flags.empty())
        add("/linux/personality/flags", "must be empty: the spec defines no flags");
    }
    if (l.time_offsets) time_offsets(*l.time_offsets, l.find_namespace("time"));
    if (l.memory_policy) memory_policy(*l.memory_policy);
    if (!l.net_devices.empty()) net_devices(l.net_devices, l.find_namespace("network"));
  }

  // A name the kernel takes for a network device (dev_valid_name): 1 to 15
  // bytes, not "." or "..", no '/', ':' or blank.
  static bool device_name(const std::string& n) {
    return !n.empty() && n.size() < 16 && n != "." && n != ".." &&
           n.find_first_of("/: \t\n") == std::string::npos;
  }

  void net_devices(const std::map<std::string, NetDevice>& devices, const Namespace* netns) {
    const std::string ptr = "/linux/netDevices";
    const std::string bad_name =
        "is not a network device name (1 to 15 bytes, no '/', ':' or blank)";
    if (!netns)
      add(ptr, "needs a network namespace of the container's (add {\"type\": \"network\"})");
    std::set<std::string> names;
    for (const auto& [host, d] : devices) {
      if (!device_name(host)) add(child_pointer(ptr, host), bad_name);
      const std::string& name = d.name ? *d.name : host;
      if (d.name && !device_name(*d.name))
        add(child_pointer(ptr, host) + "/name", bad_name);
      else if (name.find('%') == std::string::npos && !names.insert(name).second)
        add(child_pointer(ptr, host) + "/name", "\"" + name + "\" is given to two devices");
    }
  }

  // What set_mempolicy would refuse with a bare EINVAL, named here; whether
  // the nodes exist and are allowed is the kernel's to say.
  void memory_policy(const MemoryPolicy& m) {
    const std::string ptr = "/linux/memoryPolicy";
    auto mode = memory_policy_mode(m.mode);
    if (!mode)
      add(ptr + "/mode",
          "unknown mode \"" + m.mode + "\" (known: " + join_names(memory_policy_modes()) + ")");
    int flags = 0;
    for (size_t i = 0; i < m.flags.size(); ++i) {
      auto flag = memory_policy_flag(m.flags[i]);
      if (!flag)
        add(child_pointer(ptr + "/flags", i), "unknown flag \"" + m.flags[i] + "\" (known: " +
                                                  join_names(memory_policy_flags()) + ")");
      flags |= flag.value_or(0);
    }
    if ((flags & *memory_policy_flag("MPOL_F_STATIC_NODES")) &&
        (flags & *memory_policy_flag("MPOL_F_RELATIVE_NODES")))
      add(ptr + "/flags", "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
    const bool has_nodes = m.nodes && !m.nodes->empty();
    if (has_nodes && !parse_cpu_list(*m.nodes))
      add(ptr + "/nodes", "must be a list of nodes such as \"0-3,7\", not \"" + *m.nodes + "\"");
    if (!mode) return;
    if (has_nodes && (m.mode == "MPOL_DEFAULT" || m.mode == "MPOL_LOCAL"))
      add(ptr + "/nodes", "must be empty for " + m.mode);
    else if (!has_nodes && m.mode != "MPOL_DEFAULT" && m.mode != "MPOL_LOCAL" &&
             m.mode != "MPOL_PREFERRED")
      add(ptr + "/nodes", m.mode + " needs at least one node");
  }

  // The offsets are written into a time namespace before any process is in
  // it (the kernel refuses them after), so only into a new one.
  void time_offsets(const TimeOffsets& t, const Namespace* ns) {
    const std::string ptr = "/linux/timeOffsets";
    if (!ns)
      add(ptr, "needs a new time namespace (add {\"type\": \"time\"} to linux.namespaces)");
    else if (ns->path)
      add(ptr, "applies to a new time namespace, not to one joined by its path");
    for (const auto& [clock, value] : t.extra.members)
      add(child_pointer(ptr, clock), "is not a namespaced clock (known: boottime, monotonic)");
    for (const auto& [clock, offset] : t.clocks())
      if (*offset && (*offset)->nanosecs && *(*offset)->nanosecs >= 1000000000)
        add(ptr + "/" + clock + "/nanosecs", "must be below 1000000000");
  }

  // Only sysctls that live in a namespace the container has of its own may be
  // set: any other would change the host (runc applies the same rule).
  void sysctl(const std::string& key, const std::set<std::string>& ns) {
    std::string ptr = child_pointer("/linux/sysctl", key);
    if (auto type = sysctl_namespace(key)) {
      if (!ns.contains(*type))
        add(ptr, "needs a private " + *type + " namespace (add {\"type\": \"" + *type +
                     "\"} to /linux/namespaces)");
    } else if (key == "kernel.hostname") {
      add(ptr, "is set with the \"hostname\" field, not as a sysctl");
    } else {
      add(ptr, "is not in a separate kernel namespace: setting it would change the host");
    }
  }

  void resources(const Resources& r) {
    for (size_t i = 0; i < r.devices.size(); ++i) {
      const auto& d = r.devices[i];
      std::string ptr = child_pointer("/linux/resources/devices", i);
      if (d.type && *d.type != "a" && *d.type != "c" && *d.type != "b")
        add(ptr + "/type", "must be one of a, c, b");
      if (d.access && d.access->find_first_not_of("rwm") != std::string::npos)
        add(ptr + "/access", "must be a combination of r, w and m");
    }
    if (r.cpu && r.cpu->period && *r.cpu->period == 0)
      add("/linux/resources/cpu/period", "must be greater than zero");
    if (r.cpu)
      for (const auto& [list, name] : {std::pair{&r.cpu->cpus, "cpus"}, {&r.cpu->mems, "mems"}})
        if (*list && !parse_cpu_list(**list))
          add(std::string("/linux/resources/cpu/") + name,
              "must be a list like \"0-3,6\", not \"" + **list + "\"");
    if (r.pids && r.pids->limit && *r.pids->limit < -1)
      add("/linux/resources/pids/limit", "must be -1 (no limit) or a number of tasks from 0");
    // Both become names of files in the container's cgroup directory: nothing
    // that could name a file elsewhere.
    for (size_t i = 0; i < r.hugepage_limits.size(); ++i) {
      const std::string& size = r.hugepage_limits[i].page_size;
      size_t digits = size.find_first_not_of("0123456789");
      static const std::set<std::string> units = {"KB", "MB", "GB", "TB", "PB"};
      if (digits == 0 || digits == std::string::npos || !units.contains(size.substr(digits)))
        add(child_pointer("/linux/resources/hugepageLimits", i) + "/pageSize",
            "must be a size like \"2MB\" or \"1GB\", not \"" + size + "\"");
    }
    for (const auto& [file, value] : r.unified)
      if (file.find('/') != std::string::npos || file.find('.') == std::string::npos ||
          file.starts_with("."))
        add(child_pointer("/linux/resources/unified", file),
            "must name a cgroup file like \"memory.high\", not \"" + file + "\"");
  }

  void seccomp(const Seccomp& s) {
    auto action = [&](const std::string& a, const std::string& ptr) {
      if (!contains(seccomp_actions(), a))
        add(ptr,
            "unknown seccomp action \"" + a + "\" (known: " + join_names(seccomp_actions()) + ")");
    };
    action(s.default_action, "/linux/seccomp/defaultAction");
    for (size_t i = 0; i < s.architectures.size(); ++i)
      if (!contains(seccomp_arches(), s.architectures[i]))
        add(child_pointer("/linux/seccomp/architectures", i),
            "unknown architecture \"" + s.architectures[i] + "\"");
    for (size_t i = 0; i < s.flags.size(); ++i)
      if (!contains(seccomp_flags(), s.flags[i]))
        add(child_pointer("/linux/seccomp/flags", i),
            "unknown seccomp flag \"" + s.flags[i] + "\"");
    for (size_t i = 0; i < s.syscalls.size(); ++i) {
      const auto& sc = s.syscalls[i];
      std::string ptr = child_pointer("/linux/seccomp/syscalls", i);
      if (sc.names.empty()) add(ptr + "/names", "must name at least one syscall");
      action(sc.action, ptr + "/action");
      for (size_t k = 0; k < sc.args.size(); ++k) {
        std::string aptr = child_pointer(ptr + "/args", k);
        if (sc.args[k].index > 5) add(aptr + "/index", "must be between 0 and 5");
        if (!contains(seccomp_operators(), sc.args[k].op))
          add(aptr + "/op", "unknown operator \"" + sc.args[k].op +
                                "\" (known: " + join_names(seccomp_operators()) + ")");
      }
    }
  }

  Problems problems_;
};

}  // namespace

std::optional<std::string> sysctl_namespace(std::string_view key) {
  static const std::set<std::string, std::less<>> ipc_keys = {
      "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
      "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
  if (ipc_keys.contains(key) || key.starts_with("fs.mqueue.")) return "ipc";
  if (key.starts_with("net.")) return "network";
  if (key == "kernel.domainname") return "uts";
  return std::nullopt;
}

Problems validate_config(const Config& c) { return Validator().run(c); }

namespace {

bool is_wildcard(const DeviceRule& d) {
  return !d.type || *d.type == "a" || !d.major || *d.major < 0 || !d.minor || *d.minor < 0;
}

// `wide` (a wildcard rule) covers part or all of `narrow`'s devices.
bool covers(const DeviceRule& wide, const DeviceRule& narrow) {
  auto same = [](const std::optional<int64_t>& w, const std::optional<int64_t>& n) {
    return !w || *w < 0 || (n && *n == *w);
  };
  bool type = !wide.type || *wide.type == "a" || (narrow.type && *narrow.type == *wide.type);
  return type && same(wide.major, narrow.major) && same(wide.minor, narrow.minor);
}

bool shares_access(const DeviceRule& a, const DeviceRule& b) {
  std::string x = a.access.value_or("rwm"), y = b.access.value_or("rwm");
  return x.find_first_of(y) != std::string::npos;
}

// v1's devices controller keeps a default (allow or deny) and a list of
// exceptions; a rule against the default removes only an exception of
// exactly its own device, never part of a wildcard one. So "allow c 1:* rw"
// then "deny c 1:11 w" would leave 1:11 writable: refused, as runc refuses it
// ("cannot punch hole in existing wildcard rule"). mcrun starts from deny all.
void v1_device_holes(const std::vector<DeviceRule>& rules, Problems& p) {
  bool default_allow = false;
  std::vector<size_t> exceptions;
  for (size_t i = 0; i < rules.size(); ++i) {
    const DeviceRule& d = rules[i];
    bool everything =
        (!d.type || *d.type == "a") && (!d.major || *d.major < 0) && (!d.minor || *d.minor < 0);
    if (everything && d.access.value_or("rwm").size() == 3) {
      default_allow = d.allow;
      exceptions.clear();
      continue;
    }
    if (d.allow != default_allow) {
      exceptions.push_back(i);
      continue;
    }
    for (size_t e : exceptions) {
      const DeviceRule& wide = rules[e];
      if (is_wildcard(wide) && covers(wide, d) && !covers(d, wide) && shares_access(wide, d))
        p.push_back({child_pointer("/linux/resources/devices", i),
                     "cgroup v1 cannot " + std::string(d.allow ? "allow" : "deny") +
                         " part of the wildcard rule " +
                         child_pointer("/linux/resources/devices", e) +
                         ", and this host uses cgroup v1"});
    }
  }
}

}  // namespace

Problems validate_for_cgroup(const Resources& r, bool v2) {
  Problems p;
  const std::string here = v2 ? "this host uses cgroup v2" : "this host uses cgroup v1";
  if (!v2) {
    if (!r.unified.empty())
      p.push_back({"/linux/resources/unified", "needs cgroup v2, and " + here});
    v1_device_holes(r.devices, p);
    return p;
  }
  if (r.network && (r.network->class_id || !r.network->priorities.empty()))
    p.push_back({"/linux/resources/network",
                 "net_cls and net_prio are cgroup v1 controllers, and " + here});
  if (const auto& m = r.memory) {
    if (m->kernel_tcp)
      p.push_back(
          {"/linux/resources/memory/kernelTCP", "has no cgroup v2 counterpart, and " + here});
    if (m->swappiness)
      p.push_back(
          {"/linux/resources/memory/swappiness", "has no cgroup v2 counterpart, and " + here});
    if (m->disable_oom_killer.value_or(false))
      p.push_back({"/linux/resources/memory/disableOOMKiller",
                   "has no cgroup v2 counterpart, and " + here});
    // v1's swap limit is memory+swap, v2's is swap alone: without the memory
    // limit there is nothing to subtract.
    if (m->swap && *m->swap > 0 && !(m->limit && *m->limit > 0))
      p.push_back({"/linux/resources/memory/swap",
                   "needs /linux/resources/memory/limit on cgroup v2 (" + here + ")"});
  }
  if (r.cpu && (r.cpu->realtime_runtime || r.cpu->realtime_period))
    p.push_back({"/linux/resources/cpu",
                 "realtime runtime and period have no cgroup v2 counterpart, and " + here});
  if (r.memory && r.memory->use_hierarchy == false)
    p.push_back({"/linux/resources/memory/useHierarchy",
                 "cannot be false: cgroup v2 is always hierarchical, and " + here});
  if (r.block_io && r.block_io->leaf_weight)
    p.push_back(
        {"/linux/resources/blockIO/leafWeight", "has no cgroup v2 counterpart, and " + here});
  sort_problems(p);
  return p;
}

Problems unsupported_fields(const Config& c) {
  // runtime-spec fields mcrun keeps in the config but does not apply: a
  // container that asks for them is refused, never run without them.
  static const std::pair<const char*, const char*> linux_fields[] = {{"intelRdt", "no Intel RDT"}};
  Problems p;
  auto check = [&](const Unknown& extra, const std::string& where, const auto& fields) {
    for (const auto& [key, why] : fields)
      if (extra.contains(key))
        p.push_back({where + "/" + key, std::string("is not supported by mcrun (") + why + ")"});
  };
  if (c.linux) {
    check(c.linux->extra, "/linux", linux_fields);
    if (c.linux->resources && c.linux->resources->extra.contains("rdma"))
      p.push_back({"/linux/resources/rdma", "is not supported by mcrun (no rdma cgroup)"});
  }
  sort_problems(p);
  return p;
}

std::optional<std::vector<uint32_t>> parse_cpu_list(std::string_view list) {
  constexpr uint64_t kMax = 65535;
  std::vector<uint32_t> out;
  // One number at `pos`, which moves past it.
  auto number = [&](size_t& pos) -> std::optional<uint64_t> {
    size_t start = pos;
    uint64_t v = 0;
    while (pos < list.size() && std::isdigit(static_cast<unsigned char>(list[pos])) && v <= kMax)
      v = v * 10 + static_cast<uint64_t>(list[pos++] - '0');
    if (pos == start || v > kMax) return std::nullopt;
    return v;
  };
  // The kernel strips the value first (cpuset_write_resmask's strstrip).
  while (!list.empty() && std::isspace(static_cast<unsigned char>(list.front())))
    list.remove_prefix(1);
  while (!list.empty() && std::isspace(static_cast<unsigned char>(list.back())))
    list.remove_suffix(1);
  size_t pos = 0;
  while (pos < list.size()) {
    auto first = number(pos);
    if (!first) return std::nullopt;
    uint64_t last = *first, used = 1, group = 1;
    if (pos < list.size() && list[pos] == '-') {
      auto l = number(++pos);
      if (!l || *l < *first) return std::nullopt;
      last = *l;
      if (pos < list.size() && list[pos] == ':') {
        auto u = number(++pos);
        if (!u || pos >= list.size() || list[pos] != '/') return std::nullopt;
        auto g = number(++pos);
        if (!g || *g == 0 || *u == 0 || *u > *g) return std::nullopt;
        used = *u, group = *g;
      }
    }
    for (uint64_t i = *first; i <= last; ++i)
      if ((i - *first) % group < used) out.push_back(static_cast<uint32_t>(i));
    if (pos < list.size() && (list[pos] != ',' || ++pos == list.size())) return std::nullopt;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Problems validate_resources(const Resources& r) {
  Config c;
  c.linux.emplace().resources = r;
  Problems out;
  const std::string prefix = "/linux/resources";
  for (auto& p : validate_config(c))
    if (p.pointer.starts_with(prefix)) out.push_back({p.pointer.substr(prefix.size()), p.message});
  return out;
}

}  // namespace mcrun::spec
