// state.json: the OCI state (runtime.md "State") plus runc's extra fields, and
// the record mcrun keeps per container (the OCI state + what later verbs need).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "spec/config.hpp"
#include "spec/error.hpp"
#include "spec/json_fwd.hpp"

namespace mcrun::spec {

enum class Status { Creating, Created, Running, Paused, Stopped };

const char* status_name(Status s);  // "created"
std::optional<Status> status_from_name(std::string_view name);

// What each verb may do in each status (runtime.md "Operations").
inline bool can_start(Status s) { return s == Status::Created; }
inline bool can_kill(Status s) {
  return s == Status::Created || s == Status::Running || s == Status::Paused;
}
inline bool can_delete(Status s) { return s == Status::Stopped; }
inline bool can_exec(Status s) { return s == Status::Created || s == Status::Running; }

struct State {
  std::string oci_version = kOciVersion;
  std::string id;
  Status status = Status::Creating;
  int pid = 0;  // 0 when stopped
  std::string bundle;
  std::map<std::string, std::string> annotations;
  // runc's additions, which clients print.
  std::string rootfs;
  std::string created;  // RFC 3339, UTC
  std::string owner;
  bool operator==(const State&) const = default;
};

Json emit_state(const State& s);

// What mcrun stores in <root>/<id>/state.json.
struct Record {
  State state;
  uint64_t init_start_time = 0;  // /proc/<pid>/stat field 22: guards against pid reuse
  bool own_pid_namespace =
      false;                    // a pid namespace it created: init death kills every process in it
  std::string cgroup_path;      // relative to each hierarchy's root; empty if none
  bool rootless = false;        // made rootless: its (delegated) cgroup has no device rules
  std::string systemd_unit;     // the cgroup is this systemd scope (--systemd-cgroup)
  std::string systemd_manager;  // of this systemd's socket; "" for PID 1 (rootless: the user's)
  // The session keyring exec joins: its name; "" with --no-new-keyring (the
  // caller's); none in a record an mcrun before keyrings wrote.
  std::optional<std::string> session_keyring;
  Config config;  // for hooks at start/delete and for exec
  bool operator==(const Record&) const = default;
};

Json emit_record(const Record& r);
// A damaged record is an error naming the file, never a crash. Without
// `with_config` the stored config is skipped unread (config left empty):
// what state and list need, at a fraction of the cost.
Result<Record> parse_record(std::string_view text, bool with_config = true);

}  // namespace mcrun::spec
