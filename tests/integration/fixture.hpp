// Integration fixture: real containers, as root, on a busybox-static rootfs.
// Every test gets its own state root, bundle and rootfs under one temporary
// directory; TearDown force-deletes whatever is left and then fails the test
// if anything outlived it: a mount, a process, a state directory.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "spec/json.hpp"

namespace mcrun::it {

struct Output {
  int code = -1;
  std::string out, err;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
bool exists(const std::string& path);
// Polls pred every 10ms until it holds or `ms` pass.
bool eventually(const std::function<bool()>& pred, int ms = 5000);
// Whether our child `pid` exits within `ms` (its status in *status). Not
// eventually() with waitpid in the predicate: eventually() reaps every dead
// child between its checks, and a child it reaps first never shows as ended.
bool exits_within(pid_t pid, int ms, int* status);

// A directory made a shared mount of its own (bound onto itself, MS_SHARED),
// as the kubelet and the Mesos agent make volume roots; detached, with all
// below it, when it goes out of scope. ok() says whether both steps worked.
class SharedMount {
 public:
  explicit SharedMount(std::string path);
  ~SharedMount();
  SharedMount(const SharedMount&) = delete;
  SharedMount& operator=(const SharedMount&) = delete;
  bool ok() const { return ok_; }

 private:
  std::string path_;
  bool ok_ = false;
};

// This host's cgroup layout: v2 only (/sys/fs/cgroup is cgroup2), or v1.
bool cgroup_v2();
// The directory of the cgroup `path` ("/mcrun/c1"): the one directory on
// v2, the `v1_controller` hierarchy's on v1.
std::string cgroup_dir(const std::string& path, const std::string& v1_controller);
// A file of container `id`'s default cgroup (/mcrun/<id>), by its v1 and v2
// names; "" when it cannot be read.
std::string cgroup_file(const std::string& id, const std::string& v1_controller,
                        const std::string& v1_file, const std::string& v2_file);

// A --console-socket listener, as conmon and the containerd shim keep one: it
// accepts one connection in a thread and receives the pty master from it.
class ConsoleSocket {
 public:
  explicit ConsoleSocket(std::string path);
  ~ConsoleSocket();
  const std::string& path() const { return path_; }
  // Waits for the master; reads from it until `needle` shows (or EOF).
  std::string read_until(const std::string& needle);

 private:
  std::string path_;
  int listener_ = -1;
  int master_ = -1;
  std::thread receiver_;
};

class Container : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // mcrun --root <state> ARGS...
  Output mcrun(std::vector<std::string> args, const std::string& stdin_text = "");
  // The same with another mcrun executable (a copy an attack may target).
  Output mcrun_at(const std::string& binary, std::vector<std::string> args,
                  const std::string& stdin_text = "");
  // A config for the test's rootfs (mcrun spec's default, args replaced).
  Json config(std::vector<std::string> args);
  void write_config(const Json& c, const std::string& bundle = "");
  // `run` of a config: its exit code and output.
  Output run(const Json& c, const std::string& id = "c1");
  std::string status(const std::string& id);
  int pid_of(const std::string& id);

  std::string tmp_;     // everything of this test lives here
  std::string state_;   // --root
  std::string bundle_;  // with config.json
  std::string rootfs_;  // busybox
  std::vector<std::string>
      ids_;  // every container id this test created: the leak check looks at these
  // Puts tests/integration/attacker.cpp's executable at /bin/attacker.
  void install_attacker();
  // Puts tests/integration/probe.cpp's executable at /bin/probe.
  void install_probe();
  // When set, mcrun runs as this uid (and gid, no groups, no capabilities)
  // with only `user_env_` as its environment; without --root if
  // default_root_ (its own default then).
  std::optional<uid_t> as_user_;
  std::vector<std::string> user_env_;
  std::string user_cgroup_;  // if set, the cgroup v2 directory it runs in (a delegated one)
  bool default_root_ = false;
};

}  // namespace mcrun::it
