#include "spec/state.hpp"

#include "spec/json_reader.hpp"

namespace mcrun::spec {

const char* status_name(Status s) {
  switch (s) {
    case Status::Creating:
      return "creating";
    case Status::Created:
      return "created";
    case Status::Running:
      return "running";
    case Status::Paused:
      return "paused";
    case Status::Stopped:
      return "stopped";
  }
  return "unknown";
}

std::optional<Status> status_from_name(std::string_view name) {
  for (Status s :
       {Status::Creating, Status::Created, Status::Running, Status::Paused, Status::Stopped})
    if (name == status_name(s)) return s;
  return std::nullopt;
}

Json emit_state(const State& s) {
  Json j = {{"ociVersion", s.oci_version}, {"id", s.id}, {"status", status_name(s.status)}};
  if (s.pid > 0) j["pid"] = s.pid;
  j["bundle"] = s.bundle;
  if (!s.annotations.empty()) {
    Json a = Json::object();
    for (const auto& [k, v] : s.annotations) a[k] = v;
    j["annotations"] = std::move(a);
  }
  j["rootfs"] = s.rootfs;
  j["created"] = s.created;
  j["owner"] = s.owner;
  return j;
}

Json emit_record(const Record& r) {
  Json j = emit_state(r.state);
  j["pid"] = r.state.pid;  // kept even when 0: the record is not the public view
  Json& m = j["mcrun"];
  m = {{"initStartTime", r.init_start_time}, {"ownPidNamespace", r.own_pid_namespace},
       {"cgroupPath", r.cgroup_path},        {"rootless", r.rootless},
       {"systemdUnit", r.systemd_unit},      {"systemdManager", r.systemd_manager}};
  if (r.session_keyring) m["sessionKeyring"] = *r.session_keyring;
  m["config"] = emit_config(r.config);  // last: the light parse stops at it
  return j;
}

Result<Record> parse_record(std::string_view text, bool with_config) {
  // The stored config is the last member of "mcrun", the record's last:
  // without it, the parse ends where it starts (a tenth of the text for a
  // small config; `list` and `state` read nothing else).
  auto at_config = [](int depth, std::string_view parent, std::string_view key) {
    return depth == 2 && parent == "mcrun" && key == "config";
  };
  auto parsed = with_config ? parse_json(text, "state.json")
                            : parse_json_until(text, "state.json", at_config);
  if (!parsed) return std::unexpected(parsed.error());
  const Json& j = *parsed;
  Problems p;
  Record r;
  ObjectReader top(j, "", p);
  r.state.oci_version = top.string("ociVersion", true).value_or("");
  r.state.id = top.string("id", true).value_or("");
  auto status = top.string("status", true);
  if (status && !status_from_name(*status))
    p.push_back({"/status", "unknown status \"" + *status + "\""});
  r.state.status = status_from_name(status.value_or("")).value_or(Status::Stopped);
  r.state.pid = top.i32("pid", true).value_or(0);
  r.state.bundle = top.string("bundle", true).value_or("");
  r.state.annotations =
      top.string_map("annotations").value_or(std::map<std::string, std::string>{});
  r.state.rootfs = top.string("rootfs").value_or("");
  r.state.created = top.string("created").value_or("");
  r.state.owner = top.string("owner").value_or("");
  if (const Json* m = top.object("mcrun", true)) {
    ObjectReader mr(*m, "/mcrun", p);
    r.init_start_time = mr.u64("initStartTime", true).value_or(0);
    r.own_pid_namespace = mr.boolean("ownPidNamespace").value_or(false);
    r.cgroup_path = mr.string("cgroupPath").value_or("");
    r.rootless = mr.boolean("rootless").value_or(false);
    r.systemd_unit = mr.string("systemdUnit").value_or("");
    r.systemd_manager = mr.string("systemdManager").value_or("");
    r.session_keyring = mr.string("sessionKeyring");
    if (const Json* c = mr.object("config", with_config)) r.config = parse_config(*c, p);
  }
  if (!p.empty()) return fail(format_problems("state.json", p));
  return r;
}

}  // namespace mcrun::spec
