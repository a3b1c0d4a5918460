// Config -> config.json. Known members in spec order, then unknown ones.
#include "spec/config.hpp"

namespace mcrun::spec {
namespace {

template <class T>
void put(Json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}
void put(Json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}
void put_map(Json& j, const char* key, const std::map<std::string, std::string>& m) {
  if (m.empty()) return;
  Json o = Json::object();
  for (const auto& [k, v] : m) o[k] = v;
  j[key] = std::move(o);
}
// Unknown members come last; a known key never gets overwritten by them.
void merge_extra(Json& j, const Json& extra) {
  for (const auto& [k, v] : extra.items())
    if (!j.contains(k)) j[k] = v;
}

Json emit_process(const Process& p) {
  Json j = Json::object();
  if (p.terminal) j["terminal"] = true;
  if (p.console_size)
    j["consoleSize"] = {{"height", p.console_size->height}, {"width", p.console_size->width}};
  Json u = {{"uid", p.user.uid}, {"gid", p.user.gid}};
  put(u, "umask", p.user.umask);
  if (!p.user.additional_gids.empty()) u["additionalGids"] = p.user.additional_gids;
  merge_extra(u, p.user.extra);
  j["user"] = std::move(u);
  put(j, "args", p.args);
  put(j, "env", p.env);
  j["cwd"] = p.cwd;
  if (p.capabilities) {
    Json c = Json::object();
    put(c, "bounding", p.capabilities->bounding);
    put(c, "effective", p.capabilities->effective);
    put(c, "inheritable", p.capabilities->inheritable);
    put(c, "permitted", p.capabilities->permitted);
    put(c, "ambient", p.capabilities->ambient);
    merge_extra(c, p.capabilities->extra);
    j["capabilities"] = std::move(c);
  }
  if (!p.rlimits.empty()) {
    Json a = Json::array();
    for (const auto& r : p.rlimits)
      a.push_back({{"type", r.type}, {"hard", r.hard}, {"soft", r.soft}});
    j["rlimits"] = std::move(a);
  }
  if (p.no_new_privileges) j["noNewPrivileges"] = true;
  put(j, "apparmorProfile", p.apparmor_profile);
  put(j, "oomScoreAdj", p.oom_score_adj);
  put(j, "selinuxLabel", p.selinux_label);
  merge_extra(j, p.extra);
  return j;
}

Json emit_hook(const Hook& h) {
  Json j = {{"path", h.path}};
  put(j, "args", h.args);
  put(j, "env", h.env);
  put(j, "timeout", h.timeout);
  merge_extra(j, h.extra);
  return j;
}

Json emit_mappings(const std::vector<IdMapping>& ms) {
  Json a = Json::array();
  for (const auto& m : ms)
    a.push_back({{"containerID", m.container_id}, {"hostID", m.host_id}, {"size", m.size}});
  return a;
}

Json emit_resources(const Resources& r) {
  Json j = Json::object();
  if (!r.devices.empty()) {
    Json a = Json::array();
    for (const auto& d : r.devices) {
      Json e = {{"allow", d.allow}};
      put(e, "type", d.type);
      put(e, "major", d.major);
      put(e, "minor", d.minor);
      put(e, "access", d.access);
      a.push_back(std::move(e));
    }
    j["devices"] = std::move(a);
  }
  if (r.memory) {
    const Memory& m = *r.memory;
    Json e = Json::object();
    put(e, "limit", m.limit);
    put(e, "reservation", m.reservation);
    put(e, "swap", m.swap);
    put(e, "kernel", m.kernel);
    put(e, "kernelTCP", m.kernel_tcp);
    put(e, "swappiness", m.swappiness);
    put(e, "disableOOMKiller", m.disable_oom_killer);
    put(e, "useHierarchy", m.use_hierarchy);
    put(e, "checkBeforeUpdate", m.check_before_update);
    j["memory"] = std::move(e);
  }
  if (r.cpu) {
    const Cpu& c = *r.cpu;
    Json e = Json::object();
    put(e, "shares", c.shares);
    put(e, "quota", c.quota);
    put(e, "burst", c.burst);
    put(e, "period", c.period);
    put(e, "realtimeRuntime", c.realtime_runtime);
    put(e, "realtimePeriod", c.realtime_period);
    put(e, "cpus", c.cpus);
    put(e, "mems", c.mems);
    put(e, "idle", c.idle);
    j["cpu"] = std::move(e);
  }
  if (r.pids_limit) j["pids"] = {{"limit", *r.pids_limit}};
  put_map(j, "unified", r.unified);
  if (r.block_io) {
    const BlockIo& b = *r.block_io;
    Json e = Json::object();
    put(e, "weight", b.weight);
    put(e, "leafWeight", b.leaf_weight);
    if (!b.weight_devices.empty()) {
      Json a = Json::array();
      for (const auto& d : b.weight_devices) {
        Json w = {{"major", d.major}, {"minor", d.minor}};
        put(w, "weight", d.weight);
        put(w, "leafWeight", d.leaf_weight);
        a.push_back(std::move(w));
      }
      e["weightDevice"] = std::move(a);
    }
    auto rates = [&](const char* key, const std::vector<BlockIoRate>& v) {
      if (v.empty()) return;
      Json a = Json::array();
      for (const auto& d : v)
        a.push_back({{"major", d.major}, {"minor", d.minor}, {"rate", d.rate}});
      e[key] = std::move(a);
    };
    rates("throttleReadBpsDevice", b.throttle_read_bps);
    rates("throttleWriteBpsDevice", b.throttle_write_bps);
    rates("throttleReadIOPSDevice", b.throttle_read_iops);
    rates("throttleWriteIOPSDevice", b.throttle_write_iops);
    merge_extra(e, b.extra);
    j["blockIO"] = std::move(e);
  }
  if (!r.hugepage_limits.empty()) {
    Json a = Json::array();
    for (const auto& h : r.hugepage_limits)
      a.push_back({{"pageSize", h.page_size}, {"limit", h.limit}});
    j["hugepageLimits"] = std::move(a);
  }
  if (r.network) {
    Json e = Json::object();
    put(e, "classID", r.network->class_id);
    if (!r.network->priorities.empty()) {
      Json a = Json::array();
      for (const auto& pr : r.network->priorities)
        a.push_back({{"name", pr.name}, {"priority", pr.priority}});
      e["priorities"] = std::move(a);
    }
    merge_extra(e, r.network->extra);
    j["network"] = std::move(e);
  }
  merge_extra(j, r.extra);
  return j;
}

Json emit_seccomp(const Seccomp& s) {
  Json j = {{"defaultAction", s.default_action}};
  put(j, "defaultErrnoRet", s.default_errno_ret);
  put(j, "architectures", s.architectures);
  put(j, "flags", s.flags);
  put(j, "listenerPath", s.listener_path);
  put(j, "listenerMetadata", s.listener_metadata);
  if (!s.syscalls.empty()) {
    Json a = Json::array();
    for (const auto& sc : s.syscalls) {
      Json e = {{"names", sc.names}, {"action", sc.action}};
      put(e, "errnoRet", sc.errno_ret);
      if (!sc.args.empty()) {
        Json args = Json::array();
        for (const auto& arg : sc.args) {
          Json ae = {{"index", arg.index}, {"value", arg.value}};
          put(ae, "valueTwo", arg.value_two);
          ae["op"] = arg.op;
          args.push_back(std::move(ae));
        }
        e["args"] = std::move(args);
      }
      a.push_back(std::move(e));
    }
    j["syscalls"] = std::move(a);
  }
  return j;
}

Json emit_linux(const Linux& l) {
  Json j = Json::object();
  if (!l.uid_mappings.empty()) j["uidMappings"] = emit_mappings(l.uid_mappings);
  if (!l.gid_mappings.empty()) j["gidMappings"] = emit_mappings(l.gid_mappings);
  put_map(j, "sysctl", l.sysctl);
  if (l.resources) j["resources"] = emit_resources(*l.resources);
  put(j, "cgroupsPath", l.cgroups_path);
  if (!l.namespaces.empty()) {
    Json a = Json::array();
    for (const auto& n : l.namespaces) {
      Json e = {{"type", n.type}};
      put(e, "path", n.path);
      a.push_back(std::move(e));
    }
    j["namespaces"] = std::move(a);
  }
  if (!l.devices.empty()) {
    Json a = Json::array();
    for (const auto& d : l.devices) {
      Json e = {{"type", d.type}, {"path", d.path}};
      put(e, "major", d.major);
      put(e, "minor", d.minor);
      put(e, "fileMode", d.file_mode);
      put(e, "uid", d.uid);
      put(e, "gid", d.gid);
      a.push_back(std::move(e));
    }
    j["devices"] = std::move(a);
  }
  if (l.seccomp) j["seccomp"] = emit_seccomp(*l.seccomp);
  put(j, "rootfsPropagation", l.rootfs_propagation);
  put(j, "maskedPaths", l.masked_paths);
  put(j, "readonlyPaths", l.readonly_paths);
  put(j, "mountLabel", l.mount_label);
  merge_extra(j, l.extra);
  return j;
}

}  // namespace

Json emit_config(const Config& c) {
  Json j = Json::object();
  j["ociVersion"] = c.oci_version;
  if (c.process) j["process"] = emit_process(*c.process);
  if (c.root) {
    Json r = {{"path", c.root->path}};
    if (c.root->readonly) r["readonly"] = true;
    merge_extra(r, c.root->extra);
    j["root"] = std::move(r);
  }
  put(j, "hostname", c.hostname);
  put(j, "domainname", c.domainname);
  if (!c.mounts.empty()) {
    Json a = Json::array();
    for (const auto& m : c.mounts) {
      Json e = {{"destination", m.destination}};
      put(e, "type", m.type);
      put(e, "source", m.source);
      put(e, "options", m.options);
      merge_extra(e, m.extra);
      a.push_back(std::move(e));
    }
    j["mounts"] = std::move(a);
  }
  if (c.hooks) {
    Json h = Json::object();
    for (const auto& [phase, list] : c.hooks->phases) {
      Json a = Json::array();
      for (const auto& hook : list) a.push_back(emit_hook(hook));
      h[hook_phase_name(phase)] = std::move(a);
    }
    merge_extra(h, c.hooks->extra);
    j["hooks"] = std::move(h);
  }
  put_map(j, "annotations", c.annotations);
  if (c.linux) j["linux"] = emit_linux(*c.linux);
  merge_extra(j, c.extra);
  return j;
}

const char* hook_phase_name(HookPhase phase) {
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
      return "poststop";
  }
  return "?";
}

const std::vector<Hook>& Hooks::of(HookPhase phase) const {
  static const std::vector<Hook> none;
  auto it = phases.find(phase);
  return it == phases.end() ? none : it->second;
}

const Namespace* Linux::find_namespace(std::string_view type) const {
  for (const auto& n : namespaces)
    if (n.type == type) return &n;
  return nullptr;
}

}  // namespace mcrun::spec
