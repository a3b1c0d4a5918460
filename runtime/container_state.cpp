// What a container is now: its status derived from the live process (never
// trusted from disk), its public state, the list of them.
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "hooks/hook.hpp"
#include "runtime/cgroup/cgroups.hpp"
#include "runtime/container.hpp"
#include "runtime/container_internal.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/sys/proc.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"
#include "runtime/warn.hpp"
#include "spec/json_reader.hpp"

namespace mcrun::runtime {

spec::Status derive_status(const ContainerDir& dir, const spec::Record& record) {
  if (!sys::process_alive(record.state.pid, record.init_start_time)) return spec::Status::Stopped;
  if (dir.start_socket_exists()) return spec::Status::Created;
  // `run` starts what it created without a start socket, holding the lock
  // from create to start.
  if (record.state.status == spec::Status::Created && dir.busy()) return spec::Status::Created;
  if (!record.cgroup_path.empty() && detail::cgroup_of(record).frozen())
    return spec::Status::Paused;
  return spec::Status::Running;
}

Result<spec::State> container_state(const std::string& root, const std::string& id) {
  auto dir = ContainerDir::open_unlocked(root, id);
  if (!dir) return std::unexpected(dir.error());
  spec::State s;
  s.id = id;
  auto record = dir->load(/*with_config=*/false);
  if (!record && record.error().code == ENOENT) {  // no record yet, or create failed
    s.status = dir->busy() ? spec::Status::Creating : spec::Status::Stopped;
    return s;
  }
  if (!record) return std::unexpected(record.error());
  s = record->state;
  s.status = derive_status(*dir, *record);
  if (s.status == spec::Status::Stopped) s.pid = 0;
  return s;
}

Result<std::vector<spec::State>> list_containers(const std::string& root) {
  auto ids = list_ids(root);
  if (!ids) return std::unexpected(ids.error());
  std::vector<spec::State> out;
  for (const auto& id : *ids) {
    auto s = container_state(root, id);
    if (s)
      out.push_back(std::move(*s));
    else {
      spec::State broken;  // a damaged record is listed, not hidden
      broken.id = id;
      broken.status = spec::Status::Stopped;
      out.push_back(std::move(broken));
    }
  }
  return out;
}

}  // namespace mcrun::runtime
