// Operations on an existing container (runtime.md "Operations"). Status is
// always derived from the live process, never trusted from disk.
#pragma once

#include <string>
#include <vector>

#include "runtime/cgroup/cgroups.hpp"
#include "runtime/state_store.hpp"
#include "spec/error.hpp"
#include "spec/state.hpp"

namespace mcrun::runtime {

// The status a record really has now: its init is gone (or the pid was
// reused: start time differs) => stopped; the start socket still exists, or
// `run` holds the lock of a record still "created" => created; otherwise
// running (or paused).
spec::Status derive_status(const ContainerDir& dir, const spec::Record& record);

// The public state (status derived; pid 0 once stopped).
Result<spec::State> container_state(const std::string& root, const std::string& id);
Result<std::vector<spec::State>> list_containers(const std::string& root);

Result<> start_container(const std::string& root, const std::string& id);
// `run`'s start of the container it has just created (create.hpp); the lock
// is released on return.
struct PendingStart;
Result<> start_pending(PendingStart pending);

// sig to the init (or, with `all`, to every process of the container).
Result<> kill_container(const std::string& root, const std::string& id, int sig, bool all);

// Removes a stopped container; `force` kills a live one first. poststop hooks
// run (their failure is only a warning, per runtime.md).
Result<> delete_container(const std::string& root, const std::string& id, bool force);

// Freezes (pause) or thaws (resume) the container's cgroup. Never used by
// kill or delete: a paused container is thawed before it is killed.
Result<> pause_container(const std::string& root, const std::string& id, bool pause);

// Host pids of every process of the container.
Result<std::vector<pid_t>> container_processes(const std::string& root, const std::string& id);

struct Usage {
  CgroupStats stats;
  bool from_proc = false;  // POSIX mode: summed from /proc, not a cgroup
};

// Samples one container's usage again and again without taking its lock (an
// `events` stream must not hold up kill or delete): the record is read once,
// as `state` reads it (state.json is only ever replaced whole), and each
// sample first checks that the init is still the same process.
class UsageMonitor {
 public:
  static Result<UsageMonitor> open(const std::string& root, const std::string& id);
  // Fails once the container is stopped (or its id names another container).
  Result<Usage> sample() const;
  const spec::Record& record() const { return record_; }

 private:
  explicit UsageMonitor(spec::Record record) : record_(std::move(record)) {}
  spec::Record record_;
};

// Applies new limits to a live container and records them.
Result<> update_container(const std::string& root, const std::string& id,
                          const spec::Resources& resources);
Result<spec::Resources> container_resources(const std::string& root, const std::string& id);

// The poststop hooks with the state of a stopped container: every one runs,
// a failure is a warning (runtime-spec).
void run_poststop_hooks(const spec::Config& config, spec::State state);

}  // namespace mcrun::runtime
