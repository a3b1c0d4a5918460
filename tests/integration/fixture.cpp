#include "fixture.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "runtime/process/terminal.hpp"
#include "runtime/sys/fd.hpp"
#include "spec/config.hpp"

namespace fs = std::filesystem;

namespace mcrun::it {
namespace {

// The test binary is the subreaper for every container init it creates
// (like conmon and containerd-shim), so dead inits are reaped, not left as
// zombies of the host's PID 1.
struct Subreaper : ::testing::Environment {
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "integration tests create real containers and must run as root";
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new Subreaper);

void reap_all() {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

std::string busybox() {
  for (const char* p : {"/bin/busybox", "/usr/bin/busybox"})
    if (exists(p)) return p;
  return "";
}

void make_rootfs(const std::string& root) {
  fs::create_directories(root + "/bin");
  for (const char* d : {"proc", "sys", "dev", "tmp", "etc", "root", "data", "mnt"})
    fs::create_directories(root + "/" + d);
  ::chmod((root + "/tmp").c_str(), 01777);
  fs::copy_file(busybox(), root + "/bin/busybox");
  for (const char* app :
       {"mknod", "sh",       "ls",     "cat",      "echo", "ps",      "sleep",  "touch", "mkdir",
        "id",    "hostname", "grep",   "readlink", "stat", "true",    "false",  "kill",  "ulimit",
        "wc",    "head",     "setsid", "env",      "pwd",  "rm",      "mount",  "umask", "tr",
        "nohup", "test",     "umount", "dd",       "seq",  "linux32", "linux64"})
    fs::create_symlink("busybox", root + "/bin/" + app);
  write_file(root + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
  write_file(root + "/etc/group", "root:x:0:\n");
}

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

bool cgroup_v2() { return exists("/sys/fs/cgroup/cgroup.controllers"); }

std::string cgroup_dir(const std::string& path, const std::string& v1_controller) {
  return cgroup_v2() ? "/sys/fs/cgroup" + path : "/sys/fs/cgroup/" + v1_controller + path;
}

std::string cgroup_file(const std::string& id, const std::string& v1_controller,
                        const std::string& v1_file, const std::string& v2_file) {
  return read_file(cgroup_dir("/mcrun/" + id, v1_controller) + "/" +
                   (cgroup_v2() ? v2_file : v1_file));
}

bool eventually(const std::function<bool()>& pred, int ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    reap_all();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

bool exits_within(pid_t pid, int ms, int* status) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  do {
    if (::waitpid(pid, status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < end);
  return ::waitpid(pid, status, WNOHANG) == pid;
}

ConsoleSocket::ConsoleSocket(std::string path) : path_(std::move(path)) {
  listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
  EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::listen(listener_, 1), 0);
  receiver_ = std::thread([this] {
    sys::UniqueFd conn(::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC));
    if (auto fd = runtime::receive_fd(conn.get())) master_ = fd->release();
  });
}

ConsoleSocket::~ConsoleSocket() {
  if (receiver_.joinable()) {
    ::shutdown(listener_, SHUT_RDWR);  // unblocks accept if nobody connected
    receiver_.join();
  }
  sys::UniqueFd close_listener(listener_), close_master(master_);
}

std::string ConsoleSocket::read_until(const std::string& needle) {
  if (receiver_.joinable()) receiver_.join();
  std::string seen;
  char buf[256];
  while (master_ >= 0 && seen.find(needle) == std::string::npos) {
    ssize_t n = ::read(master_, buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
  }
  return seen;
}

void Container::SetUp() {
  ASSERT_FALSE(busybox().empty()) << "busybox-static is needed (apt-get install busybox-static)";
  char tmpl[] = "/var/tmp/mcrun-it-XXXXXX";
  tmp_ = ::mkdtemp(tmpl);
  state_ = tmp_ + "/state";
  bundle_ = tmp_ + "/bundle";
  rootfs_ = bundle_ + "/rootfs";
  fs::create_directories(bundle_);
  make_rootfs(rootfs_);
}

void Container::TearDown() {
  // Whatever the test left running goes now (as root, whoever made it);
  // then nothing may remain.
  as_user_.reset();
  default_root_ = false;
  // ".cache" holds compiled seccomp programs (seccomp_cache.hpp): the
  // runtime's, shared by containers, not a container of the test's.
  if (fs::exists(state_))
    for (const auto& e : fs::directory_iterator(state_))
      if (e.path().filename() != ".cache") mcrun({"delete", "--force", e.path().filename()});
  reap_all();
  fs::remove_all(state_ + "/.cache");
  if (fs::exists(state_)) {
    EXPECT_TRUE(fs::is_empty(state_)) << "state directories left in " << state_;
  }
  // No cgroup of a container this test made outlives it (other containers
  // on this machine may have cgroups of their own under /mcrun).
  for (const auto& id : ids_)
    for (const char* ctl : {"memory", "pids", "cpu", "freezer", "devices", "systemd", "unified"}) {
      std::string dir = cgroup_dir("/mcrun/" + id, ctl);
      EXPECT_FALSE(fs::exists(dir)) << "leaked cgroup: " << dir;
    }
  for (const auto& l : lines_of("/proc/self/mountinfo"))
    EXPECT_EQ(l.find(tmp_), std::string::npos) << "leaked mount: " << l;
  // A process whose root or cwd is inside this test's directory outlived it.
  EXPECT_TRUE(eventually([&] {
    for (const auto& e : fs::directory_iterator("/proc")) {
      std::string pid = e.path().filename();
      if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
      char buf[4096];
      for (const char* link : {"/root", "/cwd"}) {
        ssize_t n = ::readlink(("/proc/" + pid + link).c_str(), buf, sizeof buf - 1);
        if (n > 0 && std::string(buf, static_cast<size_t>(n)).starts_with(tmp_)) return false;
      }
    }
    return true;
  })) << "a process of this test's containers is still alive";
  fs::remove_all(tmp_);
}

Output Container::mcrun(std::vector<std::string> args, const std::string& stdin_text) {
  return mcrun_at(MCRUN_BINARY, std::move(args), stdin_text);
}

void Container::install_attacker() {
  fs::copy_file(MCRUN_ATTACKER, rootfs_ + "/bin/attacker", fs::copy_options::overwrite_existing);
}

void Container::install_probe() {
  fs::copy_file(MCRUN_PROBE, rootfs_ + "/bin/probe", fs::copy_options::overwrite_existing);
}

Output Container::mcrun_at(const std::string& binary, std::vector<std::string> args,
                           const std::string& stdin_text) {
  // The id of a create or run is its last argument (invalid ones make nothing).
  if (!args.empty() && (std::find(args.begin(), args.end(), "create") != args.end() ||
                        std::find(args.begin(), args.end(), "run") != args.end())) {
    const std::string& id = args.back();
    if (!id.empty() && id != "." && id != ".." && id.find('/') == std::string::npos)
      ids_.push_back(id);
  }
  if (!default_root_) args.insert(args.begin(), {"--root", state_});
  args.insert(args.begin(), binary);
  std::vector<char*> envp;
  for (auto& e : user_env_) envp.push_back(e.data());
  envp.push_back(nullptr);
  const uid_t uid = as_user_.value_or(0);
  const std::string procs = user_cgroup_.empty() ? "" : user_cgroup_ + "/cgroup.procs";
  std::string out_path = tmp_ + "/.out", err_path = tmp_ + "/.err", in_path = tmp_ + "/.in";
  write_file(in_path, stdin_text);
  // Only async-signal-safe calls after fork (the test binary may have threads).
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int in = ::open(in_path.c_str(), O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::close_range(3, ~0U, 0);
    if (uid != 0) {
      if (!procs.empty()) {
        int fd = ::open(procs.c_str(), O_WRONLY);
        if (fd < 0 || ::write(fd, "0", 1) != 1) _exit(125);
        ::close(fd);
      }
      // Leaving uid 0 clears every capability (no SECBIT_KEEP_CAPS).
      if (::setgroups(0, nullptr) < 0 || ::setresgid(uid, uid, uid) < 0 ||
          ::setresuid(uid, uid, uid) < 0)
        _exit(126);
      ::execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  // Reap every child while waiting, as conmon and containerd-shim do: as the
  // subreaper, orphans of detached execs are ours, and a pid namespace cannot
  // finish dying while one of its zombies waits for its reaper.
  int status = 0;
  for (;;) {
    int st = 0;
    pid_t r = ::waitpid(-1, &st, 0);
    if (r == pid) {
      status = st;
      break;
    }
    if (r < 0 && errno != EINTR) break;
  }
  Output o;
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = read_file(out_path);
  o.err = read_file(err_path);
  return o;
}

Json Container::config(std::vector<std::string> args) {
  Json c = spec::emit_config(spec::default_config());
  c["process"]["args"] = args;
  c["root"]["readonly"] = false;
  return c;
}

void Container::write_config(const Json& c, const std::string& bundle) {
  write_file((bundle.empty() ? bundle_ : bundle) + "/config.json", c.dump(2));
}

Output Container::run(const Json& c, const std::string& id) {
  write_config(c);
  return mcrun({"run", "--bundle", bundle_, id});
}

std::string Container::status(const std::string& id) {
  auto o = mcrun({"state", id});
  if (o.code != 0) return "error: " + o.err;
  return Json::parse(o.out)["status"];
}

int Container::pid_of(const std::string& id) {
  auto o = mcrun({"state", id});
  if (o.code != 0) return 0;
  auto j = Json::parse(o.out);
  return j.contains("pid") ? j["pid"].get<int>() : 0;
}

SharedMount::SharedMount(std::string path) : path_(std::move(path)) {
  ok_ = ::mount(path_.c_str(), path_.c_str(), nullptr, MS_BIND, nullptr) == 0 &&
        ::mount(nullptr, path_.c_str(), nullptr, MS_SHARED, nullptr) == 0;
}

SharedMount::~SharedMount() { ::umount2(path_.c_str(), MNT_DETACH); }

}  // namespace mcrun::it
