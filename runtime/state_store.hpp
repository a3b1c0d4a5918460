// Per-container state under the state root (--root, default /run/mcrun):
// <root>/<id>/state.json, written atomically, and a flock on the directory so
// two commands on one id never interleave.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/sys/fd.hpp"
#include "spec/error.hpp"
#include "spec/state.hpp"

namespace mcrun::runtime {

inline constexpr const char* kDefaultStateRoot = "/run/mcrun";
inline constexpr const char* kStartSocket = "start.sock";

// Ids are path components: [A-Za-z0-9._-]+, not "." or "..".
Result<> validate_id(std::string_view id);

class ContainerDir {
 public:
  // mkdir <root>/<id> (EEXIST => "container X already exists") and lock it.
  static Result<ContainerDir> create(const std::string& root, const std::string& id);
  // Opens and locks an existing one (blocking); ENOENT => "container X does not exist".
  static Result<ContainerDir> open(const std::string& root, const std::string& id);
  // Opens without locking, for readers (state, list).
  static Result<ContainerDir> open_unlocked(const std::string& root, const std::string& id);

  // True while another command (a create in progress) holds the lock.
  bool busy() const;
  // Lets the lock go before the end of this object's life.
  void unlock() const;

  const std::string& path() const { return path_; }
  const std::string& id() const { return id_; }
  int fd() const { return fd_.get(); }

  bool has_record() const;
  // Without `with_config`, record.config stays empty (spec::parse_record).
  Result<spec::Record> load(bool with_config = true) const;
  Result<> save(const spec::Record& r) const;
  bool start_socket_exists() const;
  // "<pid> <start time> <cgroup>" of the init, kept apart from state.json so
  // a damaged record never leaves an unkillable container or its cgroup behind.
  // pid 0: the cgroup exists, the init does not yet.
  struct Init {
    pid_t pid = 0;
    uint64_t start_time = 0;
    std::string cgroup_path;
  };
  Result<> save_init(const Init& init) const;
  std::optional<Init> load_init() const;
  // The compiled seccomp program create made (seccomp.hpp), for exec.
  Result<> save_seccomp(const std::string& bytes) const;
  Result<std::string> load_seccomp() const;
  Result<> remove() const;  // the whole directory

 private:
  std::string path_, id_;
  sys::UniqueFd fd_;
};

// Ids in the state root, sorted; an absent root is an empty list.
Result<std::vector<std::string>> list_ids(const std::string& root);

}  // namespace mcrun::runtime
