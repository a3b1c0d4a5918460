#include "runtime/process/id_map.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/sys/child.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/run_program.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {

std::string proc_file(pid_t pid, const char* name) {
  return "/proc/" + std::to_string(pid) + "/" + name;
}

Result<> write_directly(pid_t pid, const char* file, const std::vector<spec::IdMapping>& maps) {
  if (maps.empty()) return {};
  std::string text;
  for (const auto& m : maps)
    text += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " +
            std::to_string(m.size) + "\n";
  return sys::write_file(proc_file(pid, file), text);
}

Result<> through_helper(pid_t pid, const char* helper, const std::vector<spec::IdMapping>& maps) {
  std::vector<std::string> argv = {std::string("/usr/bin/") + helper, std::to_string(pid)};
  for (const auto& m : maps)
    argv.insert(argv.end(), {std::to_string(m.container_id), std::to_string(m.host_id),
                             std::to_string(m.size)});
  // It writes two proc files and exits: far below this bound.
  auto r = sys::run_program(argv, true, std::chrono::seconds(10));
  if (!r)
    return std::unexpected(std::move(r.error()).context(
        std::string(helper) + " (mapping more than one's own id needs Debian's uidmap)"));
  if (r->status != 0) {
    std::string out = r->output;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return fail(std::string(helper) + " exited with status " +
                std::to_string(sys::exit_code_of(r->status)) + (out.empty() ? "" : ": " + out));
  }
  return {};
}

bool only_own_id(const std::vector<spec::IdMapping>& maps, uint32_t own) {
  return maps.size() == 1 && maps[0].size == 1 && maps[0].host_id == own;
}

}  // namespace

Result<> write_id_maps(pid_t pid, const spec::Linux& linux) {
  const auto& uids = linux.uid_mappings;
  const auto& gids = linux.gid_mappings;
  if (::geteuid() == 0) {
    MCRUN_CHECK_CTX(write_directly(pid, "uid_map", uids), "uidMappings");
    MCRUN_CHECK_CTX(write_directly(pid, "gid_map", gids), "gidMappings");
    return {};
  }
  if (!uids.empty()) {
    if (only_own_id(uids, ::geteuid()))
      MCRUN_CHECK_CTX(write_directly(pid, "uid_map", uids), "uidMappings");
    else
      MCRUN_CHECK_CTX(through_helper(pid, "newuidmap", uids), "uidMappings");
  }
  if (gids.empty()) return {};
  if (!only_own_id(gids, ::getegid())) {
    MCRUN_CHECK_CTX(through_helper(pid, "newgidmap", gids), "gidMappings");
    return {};
  }
  // The kernel takes gid_map from an unprivileged writer only once the
  // namespace can never call setgroups(2) (which could drop a group that
  // denies access): the container keeps the groups it has.
  MCRUN_CHECK_CTX(sys::write_file(proc_file(pid, "setgroups"), "deny"), "gidMappings");
  MCRUN_CHECK_CTX(write_directly(pid, "gid_map", gids), "gidMappings");
  return {};
}

Result<sys::UniqueFd> user_namespace_of(const std::vector<spec::IdMapping>& uids,
                                        const std::vector<spec::IdMapping>& gids) {
  auto child = sys::clone3_fork(CLONE_NEWUSER);
  if (!child) return std::unexpected(std::move(child.error()).context("a user namespace"));
  if (child->pid == 0) {
    // Killed once the namespace is open; nothing to do until then.
    for (;;) ::pause();
  }
  sys::OwnedChild owned(child->pid, std::move(child->pidfd));  // killed and reaped on return
  MCRUN_CHECK_CTX(write_directly(owned.pid(), "uid_map", uids), "uidMappings");
  MCRUN_CHECK_CTX(write_directly(owned.pid(), "gid_map", gids), "gidMappings");
  return sys::open_path(proc_file(owned.pid(), "ns/user"), O_RDONLY);
}

}  // namespace mcrun::runtime
