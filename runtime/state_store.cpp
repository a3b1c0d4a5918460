#include "runtime/state_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "runtime/sys/syscalls.hpp"
#include "spec/json.hpp"

namespace mcrun::runtime {

Result<> validate_id(std::string_view id) {
  if (id.empty()) return fail("container id must not be empty");
  if (id == "." || id == "..")
    return fail("invalid container id " + quote(id) + ": must not be \".\" or \"..\"");
  if (id == ".cache")  // the state root's cache (runtime/process/seccomp_cache.hpp)
    return fail("invalid container id \".cache\": reserved for mcrun's cache");
  if (id.size() > 1024) return fail("invalid container id: longer than 1024 characters");
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
      return fail("invalid container id " + quote(id) +
                  ": only letters, digits, '.', '_' and '-' are allowed");
  return {};
}

Result<ContainerDir> ContainerDir::create(const std::string& root, const std::string& id) {
  MCRUN_CHECK(validate_id(id));
  // Private to root (as runc's): the state, the start socket and the init
  // note are no one else's to read or use. mkdir's mode only loses bits to
  // the umask, so these hold whatever the caller's umask is.
  MCRUN_CHECK(sys::mkdir_p(root, 0700));
  ContainerDir d;
  d.id_ = id;
  d.path_ = root + "/" + id;
  // mkdir is the atomic step: of N racing creates of one id, exactly one wins.
  if (::mkdir(d.path_.c_str(), 0700) < 0) {
    if (errno == EEXIST) return fail("container " + quote(id) + " already exists");
    return fail_errno("mkdir " + quote(d.path_));
  }
  auto fd = sys::open_path(d.path_, O_RDONLY | O_DIRECTORY);
  if (!fd) return std::unexpected(fd.error());
  d.fd_ = std::move(*fd);
  MCRUN_CHECK(sys::flock(d.fd_.get(), LOCK_EX));
  return d;
}

Result<ContainerDir> ContainerDir::open(const std::string& root, const std::string& id) {
  auto d = open_unlocked(root, id);
  if (!d) return d;
  MCRUN_CHECK(sys::flock(d->fd_.get(), LOCK_EX));
  return d;
}

bool ContainerDir::busy() const {
  if (::flock(fd_.get(), LOCK_SH | LOCK_NB) == 0) {
    ::flock(fd_.get(), LOCK_UN);
    return false;
  }
  return errno == EWOULDBLOCK;
}

void ContainerDir::unlock() const { ::flock(fd_.get(), LOCK_UN); }

Result<ContainerDir> ContainerDir::open_unlocked(const std::string& root, const std::string& id) {
  MCRUN_CHECK(validate_id(id));
  ContainerDir d;
  d.id_ = id;
  d.path_ = root + "/" + id;
  auto fd = sys::open_path(d.path_, O_RDONLY | O_DIRECTORY);
  if (!fd) {
    if (fd.error().code == ENOENT)
      return fail("container " + quote(id) + " does not exist", ENOENT, ErrorKind::NotFound);
    return std::unexpected(fd.error());
  }
  d.fd_ = std::move(*fd);
  return d;
}

bool ContainerDir::has_record() const { return ::faccessat(fd_.get(), "state.json", F_OK, 0) == 0; }

bool ContainerDir::start_socket_exists() const {
  return ::faccessat(fd_.get(), kStartSocket, F_OK, 0) == 0;
}

Result<spec::Record> ContainerDir::load(bool with_config) const {
  auto fd = sys::open_at(fd_.get(), "state.json", O_RDONLY);
  if (!fd) return std::unexpected(std::move(fd.error()).context("container " + quote(id_)));
  auto text = sys::read_fd(fd->get());
  if (!text) return std::unexpected(text.error());
  auto r = spec::parse_record(*text, with_config);
  if (!r) {
    r.error().kind = ErrorKind::CorruptState;
    return std::unexpected(std::move(r.error()).context(path_));
  }
  return r;
}

Result<> ContainerDir::save(const spec::Record& r) const {
  return sys::replace_volatile_file(fd_.get(), "state.json", spec::emit_record(r).dump());
}

Result<> ContainerDir::save_init(const Init& init) const {
  return sys::replace_volatile_file(
      fd_.get(), "init",
      std::to_string(init.pid) + " " + std::to_string(init.start_time) + " " + init.cgroup_path);
}

std::optional<ContainerDir::Init> ContainerDir::load_init() const {
  auto fd = sys::open_at(fd_.get(), "init", O_RDONLY);
  if (!fd) return std::nullopt;
  auto text = sys::read_fd(fd->get(), 8192);
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  Init init;
  if (!(in >> init.pid >> init.start_time) || init.pid < 0) return std::nullopt;
  in >> init.cgroup_path;
  return init;
}

Result<> ContainerDir::save_seccomp(const std::string& bytes) const {
  return sys::replace_volatile_file(fd_.get(), "seccomp.bpf", bytes);
}

Result<std::string> ContainerDir::load_seccomp() const {
  auto fd = sys::open_at(fd_.get(), "seccomp.bpf", O_RDONLY);
  if (!fd) return std::unexpected(fd.error());
  return sys::read_fd(fd->get(), 64 << 10);
}

Result<> ContainerDir::remove() const { return sys::remove_tree(path_); }

Result<std::vector<std::string>> list_ids(const std::string& root) {
  std::vector<std::string> ids;
  DIR* dir = ::opendir(root.c_str());
  if (!dir) {
    if (errno == ENOENT) return ids;
    return fail_errno("opendir " + quote(root));
  }
  while (dirent* e = ::readdir(dir)) {
    std::string n = e->d_name;
    if (n != "." && n != ".." && e->d_type == DT_DIR && validate_id(n)) ids.push_back(n);
  }
  ::closedir(dir);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace mcrun::runtime
