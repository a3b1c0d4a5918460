// config.json -> Config. Type problems are collected, never thrown.
#include <algorithm>

#include "spec/config.hpp"

namespace mcrun::spec {
namespace {

// Calls fn(element, pointer) for each element of an array member.
template <class Fn>
void each(ObjectReader& r, std::string_view key, Fn fn, bool required = false) {
  const Json* a = r.array(key, required);
  if (!a) return;
  for (size_t i = 0; i < a->size(); ++i) fn((*a)[i], child_pointer(r.at(key), i));
}

std::vector<uint32_t> read_u32_array(ObjectReader& r, std::string_view key, Problems& p) {
  std::vector<uint32_t> out;
  each(r, key, [&](const Json& e, const std::string& ptr) {
    if (auto v = read_integer<uint32_t>(e, ptr, p)) out.push_back(*v);
  });
  return out;
}

User parse_user(const Json& j, const std::string& ptr, Problems& p) {
  ObjectReader r(j, ptr, p);
  User u;
  u.uid = r.u32("uid", true).value_or(0);
  u.gid = r.u32("gid", true).value_or(0);
  u.umask = r.u32("umask");
  u.additional_gids = read_u32_array(r, "additionalGids", p);
  u.extra = r.extra();
  return u;
}

Capabilities parse_capabilities(const Json& j, const std::string& ptr, Problems& p) {
  ObjectReader r(j, ptr, p);
  Capabilities c;
  c.bounding = r.strings("bounding");
  c.effective = r.strings("effective");
  c.inheritable = r.strings("inheritable");
  c.permitted = r.strings("permitted");
  c.ambient = r.strings("ambient");
  c.extra = r.extra();
  return c;
}

Process parse_process(const Json& j, const std::string& ptr, Problems& p) {
  ObjectReader r(j, ptr, p);
  Process pr;
  pr.terminal = r.boolean("terminal").value_or(false);
  if (const Json* cs = r.object("consoleSize")) {
    ObjectReader cr(*cs, r.at("consoleSize"), p);
    pr.console_size =
        ConsoleSize{cr.u32("height", true).value_or(0), cr.u32("width", true).value_or(0)};
  }
  if (const Json* u = r.object("user", true)) pr.user = parse_user(*u, r.at("user"), p);
  pr.args = r.strings("args").value_or(std::vector<std::string>{});
  pr.env = r.strings("env").value_or(std::vector<std::string>{});
  pr.cwd = r.string("cwd", true).value_or("");
  if (const Json* c = r.object("capabilities"))
    pr.capabilities = parse_capabilities(*c, r.at("capabilities"), p);
  each(r, "rlimits", [&](const Json& e, const std::string& eptr) {
    ObjectReader er(e, eptr, p);
    Rlimit rl;
    rl.type = er.string("type", true).value_or("");
    rl.soft = er.u64("soft", true).value_or(0);
    rl.hard = er.u64("hard", true).value_or(0);
    pr.rlimits.push_back(std::move(rl));
  });
  pr.no_new_privileges = r.boolean("noNewPrivileges").value_or(false);
  pr.apparmor_profile = r.string("apparmorProfile");
  pr.oom_score_adj = r.i32("oomScoreAdj");
  pr.selinux_label = r.string("selinuxLabel");
  pr.extra = r.extra();
  return pr;
}

Hook parse_hook(const Json& j, const std::string& ptr, Problems& p) {
  ObjectReader r(j, ptr, p);
  Hook h;
  h.path = r.string("path", true).value_or("");
  h.args = r.strings("args").value_or(std::vector<std::string>{});
  h.env = r.strings("env").value_or(std::vector<std::string>{});
  h.timeout = r.i64("timeout");
  h.extra = r.extra();
  return h;
}

Hooks parse_hooks(const Json& j, const std::string& ptr, Problems& p) {
  ObjectReader r(j, ptr, p);
  Hooks hooks;
  for (HookPhase phase : kHookPhases) {
    std::vector<Hook> list;
    each(r, hook_phase_name(phase),
         [&](const Json& e, const std::string& eptr) { list.push_back(parse_hook(e, eptr, p)); });
    if (!list.empty()) hooks.phases[phase] = std::move(list);
  }
  hooks.extra = r.extra();
  return hooks;
}

Mount parse_mount(const Json& j, const std::string& ptr, Problems& p) {
  ObjectReader r(j, ptr, p);
  Mount m;
  m.destination = r.string("destination", true).value_or("");
  m.type = r.string("type");
  m.source = r.string("source");
  m.options = r.strings("options").value_or(std::vector<std::string>{});
  m.extra = r.extra();
  return m;
}

std::vector<IdMapping> parse_mappings(ObjectReader& r, std::string_view key, Problems& p) {
  std::vector<IdMapping> out;
  each(r, key, [&](const Json& e, const std::string& eptr) {
    ObjectReader er(e, eptr, p);
    IdMapping m;
    m.container_id = er.u32("containerID", true).value_or(0);
    m.host_id = er.u32("hostID", true).value_or(0);
    m.size = er.u32("size", true).value_or(0);
    out.push_back(m);
  });
  return out;
}

Memory parse_memory(const Json& j, const std::string& ptr, Problems& p) {
  ObjectReader r(j, ptr, p);
  Memory m;
  m.limit = r.i64("limit");
  m.reservation = r.i64("reservation");
  m.swap = r.i64("swap");
  m.kernel = r.i64("kernel");
  m.kernel_tcp = r.i64("kernelTCP");
  m.swappiness = r.u64("swappiness");
  m.disable_oom_killer = r.boolean("disableOOMKiller");
  m.use_hierarchy = r.boolean("useHierarchy");
  m.check_before_update = r.boolean("checkBeforeUpdate");
  return m;
}

Cpu parse_cpu(const Json& j, const std::string& ptr, Problems& p) {
  ObjectReader r(j, ptr, p);
  Cpu c;
  c.shares = r.u64("shares");
  c.quota = r.i64("quota");
  c.burst = r.u64("burst");
  c.period = r.u64("period");
  c.realtime_runtime = r.i64("realtimeRuntime");
  c.realtime_period = r.u64("realtimePeriod");
  c.cpus = r.string("cpus");
  c.mems = r.string("mems");
  c.idle = r.i64("idle");
  return c;
}

std::vector<BlockIoRate> parse_rates(ObjectReader& r, std::string_view key, Problems& p) {
  std::vector<BlockIoRate> out;
  each(r, key, [&](const Json& e, const std::string& eptr) {
    ObjectReader er(e, eptr, p);
    out.push_back({er.i64("major", true).value_or(0), er.i64("minor", true).value_or(0),
                   er.u64("rate", true).value_or(0)});
  });
  return out;
}

BlockIo parse_block_io(const Json& j, const std::string& ptr, Problems& p) {
  ObjectReader r(j, ptr, p);
  BlockIo b;
  auto u16 = [&](ObjectReader& from, std::string_view key) -> std::optional<uint16_t> {
    auto v = from.u32(key);
    if (v && *v > 0xffff) {
      p.push_back({from.at(key), "must be an integer between 0 and 65535"});
      return std::nullopt;
    }
    return v ? std::optional<uint16_t>(static_cast<uint16_t>(*v)) : std::nullopt;
  };
  b.weight = u16(r, "weight");
  b.leaf_weight = u16(r, "leafWeight");
  each(r, "weightDevice", [&](const Json& e, const std::string& eptr) {
    ObjectReader er(e, eptr, p);
    BlockIoWeightDevice d;
    d.major = er.i64("major", true).value_or(0);
    d.minor = er.i64("minor", true).value_or(0);
    d.weight = u16(er, "weight");
    d.leaf_weight = u16(er, "leafWeight");
    b.weight_devices.push_back(d);
  });
  b.throttle_read_bps = parse_rates(r, "throttleReadBpsDevice", p);
  b.throttle_write_bps = parse_rates(r, "throttleWriteBpsDevice", p);
  b.throttle_read_iops = parse_rates(r, "throttleReadIOPSDevice", p);
  b.throttle_write_iops = parse_rates(r, "throttleWriteIOPSDevice", p);
  b.extra = r.extra();
  return b;
}

Resources parse_resources(const Json& j, const std::string& ptr, Problems& p) {
  ObjectReader r(j, ptr, p);
  Resources res;
  each(r, "devices", [&](const Json& e, const std::string& eptr) {
    ObjectReader er(e, eptr, p);
    DeviceRule d;
    d.allow = er.boolean("allow", true).value_or(false);
    d.type = er.string("type");
    d.major = er.i64("major");
    d.minor = er.i64("minor");
    d.access = er.string("access");
    res.devices.push_back(d);
  });
  if (const Json* m = r.object("memory")) res.memory = parse_memory(*m, r.at("memory"), p);
  if (const Json* c = r.object("cpu")) res.cpu = parse_cpu(*c, r.at("cpu"), p);
  if (const Json* pids = r.object("pids")) {
    ObjectReader pr(*pids, r.at("pids"), p);
    res.pids_limit = pr.i64("limit", true);
  }
  res.unified = r.string_map("unified").value_or(std::map<std::string, std::string>{});
  if (const Json* b = r.object("blockIO")) res.block_io = parse_block_io(*b, r.at("blockIO"), p);
  each(r, "hugepageLimits", [&](const Json& e, const std::string& eptr) {
    ObjectReader er(e, eptr, p);
    HugepageLimit h;
    h.page_size = er.string("pageSize", true).value_or("");
    h.limit = er.u64("limit", true).value_or(0);
    res.hugepage_limits.push_back(std::move(h));
  });
  if (const Json* n = r.object("network")) {
    ObjectReader nr(*n, r.at("network"), p);
    Network net;
    net.class_id = nr.u32("classID");
    each(nr, "priorities", [&](const Json& e, const std::string& eptr) {
      ObjectReader er(e, eptr, p);
      net.priorities.push_back(
          {er.string("name", true).value_or(""), er.u32("priority", true).value_or(0)});
    });
    net.extra = nr.extra();
    res.network = std::move(net);
  }
  res.extra = r.extra();  // rdma and anything newer: preserved as given
  return res;
}

Seccomp parse_seccomp(const Json& j, const std::string& ptr, Problems& p) {
  ObjectReader r(j, ptr, p);
  Seccomp s;
  s.default_action = r.string("defaultAction", true).value_or("");
  s.default_errno_ret = r.u32("defaultErrnoRet");
  s.architectures = r.strings("architectures").value_or(std::vector<std::string>{});
  s.flags = r.strings("flags").value_or(std::vector<std::string>{});
  s.listener_path = r.string("listenerPath");
  s.listener_metadata = r.string("listenerMetadata");
  each(r, "syscalls", [&](const Json& e, const std::string& eptr) {
    ObjectReader er(e, eptr, p);
    SeccompSyscall sc;
    sc.names = er.strings("names", true).value_or(std::vector<std::string>{});
    sc.action = er.string("action", true).value_or("");
    sc.errno_ret = er.u32("errnoRet");
    each(er, "args", [&](const Json& a, const std::string& aptr) {
      ObjectReader ar(a, aptr, p);
      SeccompArg arg;
      arg.index = ar.u32("index", true).value_or(0);
      arg.value = ar.u64("value", true).value_or(0);
      arg.value_two = ar.u64("valueTwo");
      arg.op = ar.string("op", true).value_or("");
      sc.args.push_back(arg);
    });
    s.syscalls.push_back(std::move(sc));
  });
  return s;
}

Linux parse_linux(const Json& j, const std::string& ptr, Problems& p) {
  ObjectReader r(j, ptr, p);
  Linux l;
  each(r, "namespaces", [&](const Json& e, const std::string& eptr) {
    ObjectReader er(e, eptr, p);
    l.namespaces.push_back({er.string("type", true).value_or(""), er.string("path")});
  });
  l.uid_mappings = parse_mappings(r, "uidMappings", p);
  l.gid_mappings = parse_mappings(r, "gidMappings", p);
  each(r, "devices", [&](const Json& e, const std::string& eptr) {
    ObjectReader er(e, eptr, p);
    Device d;
    d.type = er.string("type", true).value_or("");
    d.path = er.string("path", true).value_or("");
    d.major = er.i64("major");
    d.minor = er.i64("minor");
    d.file_mode = er.u32("fileMode");
    d.uid = er.u32("uid");
    d.gid = er.u32("gid");
    l.devices.push_back(std::move(d));
  });
  l.cgroups_path = r.string("cgroupsPath");
  if (const Json* res = r.object("resources"))
    l.resources = parse_resources(*res, r.at("resources"), p);
  l.rootfs_propagation = r.string("rootfsPropagation");
  if (const Json* s = r.object("seccomp")) l.seccomp = parse_seccomp(*s, r.at("seccomp"), p);
  l.sysctl = r.string_map("sysctl").value_or(std::map<std::string, std::string>{});
  l.masked_paths = r.strings("maskedPaths").value_or(std::vector<std::string>{});
  l.readonly_paths = r.strings("readonlyPaths").value_or(std::vector<std::string>{});
  l.mount_label = r.string("mountLabel");
  l.extra = r.extra();
  return l;
}

}  // namespace

Config parse_config(const Json& j, Problems& p) {
  ObjectReader r(j, "", p);
  Config c;
  if (!r.valid()) return c;
  c.oci_version = r.string("ociVersion", true).value_or("");
  if (const Json* pr = r.object("process")) c.process = parse_process(*pr, r.at("process"), p);
  if (const Json* root = r.object("root")) {
    ObjectReader rr(*root, r.at("root"), p);
    c.root = Root{rr.string("path", true).value_or(""), rr.boolean("readonly").value_or(false)};
    c.root->extra = rr.extra();
  }
  c.hostname = r.string("hostname");
  c.domainname = r.string("domainname");
  each(r, "mounts", [&](const Json& e, const std::string& eptr) {
    c.mounts.push_back(parse_mount(e, eptr, p));
  });
  if (const Json* h = r.object("hooks")) c.hooks = parse_hooks(*h, r.at("hooks"), p);
  c.annotations = r.string_map("annotations").value_or(std::map<std::string, std::string>{});
  if (const Json* l = r.object("linux")) c.linux = parse_linux(*l, r.at("linux"), p);
  c.extra = r.extra();
  return c;
}

Result<Config> load_config_text(std::string_view text, std::string_view file) {
  auto parsed = parse_json(text, file);
  if (!parsed) return std::unexpected(parsed.error());
  const Json& j = *parsed;
  Problems problems;
  Config c = parse_config(j, problems);
  // Validation runs on what parsed; a member with a type problem would only
  // repeat itself as a semantic one, so those are left out.
  for (auto& v : validate_config(c)) {
    bool shadowed = std::any_of(problems.begin(), problems.end(), [&](const Problem& t) {
      return pointer_within(v.pointer, t.pointer) || pointer_within(t.pointer, v.pointer);
    });
    if (!shadowed) problems.push_back(std::move(v));
  }
  sort_problems(problems);
  if (!problems.empty()) return fail(format_problems(file, problems));
  return c;
}

}  // namespace mcrun::spec

namespace mcrun::spec {

Result<Process> load_process_text(std::string_view text, std::string_view file) {
  auto parsed = parse_json(text, file);
  if (!parsed) return std::unexpected(parsed.error());
  const Json& j = *parsed;
  Problems problems;
  if (!j.is_object())
    return fail(std::string(file) + ": /: must be an object, not " + json_type_name(j));
  Json wrapper = {{"ociVersion", kOciVersion}, {"root", {{"path", "/"}}}, {"process", j}};
  Config c = parse_config(wrapper, problems);
  if (problems.empty())
    for (auto& p : validate_config(c))
      if (pointer_within(p.pointer, "/process")) problems.push_back(p);
  for (auto& p : problems)
    p.pointer = p.pointer.substr(std::min<size_t>(p.pointer.size(), 8));  // drop "/process"
  if (!problems.empty()) return fail(format_problems(file, problems));
  return *c.process;
}

}  // namespace mcrun::spec
