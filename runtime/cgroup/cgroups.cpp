#include "runtime/cgroup/cgroups.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <thread>

#include "runtime/cgroup/device_filter.hpp"
#include "runtime/cgroup/systemd.hpp"
#include "runtime/sys/proc.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {

bool is_cpuset(const std::string& hierarchy) {
  for (auto c : sys::split(hierarchy, ','))
    if (c == "cpuset") return true;
  return false;
}

// A v1 cpuset level starts empty and must inherit cpus/mems from its parent
// before anything can join it.
Result<> inherit_cpuset(const std::string& parent, const std::string& dir) {
  for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
    auto v = sys::read_file(parent + "/" + f, 4096);
    if (v) MCRUN_CHECK_CTX(sys::write_file(dir + "/" + f, *v), "cgroup " + quote(dir));
  }
  return {};
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// A number a cgroup file holds; 0 for "max" (no limit) and for a file this
// kernel does not have.
uint64_t read_u64(const std::string& path) {
  auto text = sys::read_file(path, 4096);
  if (!text || text->empty() || !std::isdigit(static_cast<unsigned char>((*text)[0]))) return 0;
  return std::strtoull(text->c_str(), nullptr, 10);
}

uint64_t read_key(const std::string& path, const std::string& key) {
  auto text = sys::read_file(path, 1 << 16);
  if (!text) return 0;
  std::istringstream in(*text);
  std::string k;
  uint64_t v;
  while (in >> k >> v)
    if (k == key) return v;
  return 0;
}

bool is_cgroup2(const std::string& dir) {
  struct statfs fs;
  return ::statfs(dir.c_str(), &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

}  // namespace

Cgroup::Cgroup(std::string path, std::string root)
    : path_(std::move(path)), root_(std::move(root)) {
  // What is mounted on the host's cgroup root does not change under one
  // mcrun: asked once (`list` makes a Cgroup per container).
  static const bool host_v2 = is_cgroup2(kRoot);
  bool v2 = root_ == kRoot ? host_v2 : is_cgroup2(root_);
  layout_ = v2 ? CgroupLayout::V2 : CgroupLayout::V1;
}

std::string Cgroup::dir(const std::string& controller) const {
  return layout_ == CgroupLayout::V2 ? root_ + path_ : root_ + "/" + controller + path_;
}

namespace {
struct Hierarchies {
  std::vector<std::string> dirs;
  std::string unified;
};

Hierarchies find_hierarchies(const std::string& root) {
  Hierarchies out;
  DIR* d = ::opendir(root.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;  // "cpu" -> "cpu,cpuacct" is a symlink
    struct statfs fs;
    std::string path = root + "/" + e->d_name;
    if (::statfs(path.c_str(), &fs) != 0) continue;
    if (fs.f_type == CGROUP_SUPER_MAGIC || fs.f_type == CGROUP2_SUPER_MAGIC)
      out.dirs.push_back(e->d_name);
    if (fs.f_type == CGROUP2_SUPER_MAGIC) out.unified = e->d_name;
  }
  ::closedir(d);
  std::sort(out.dirs.begin(), out.dirs.end());
  return out;
}
}  // namespace

// Every hierarchy mounted under the root, by its directory name: each v1
// controller ("memory", "cpu,cpuacct"), named ones ("systemd") and, on a
// hybrid host, the cgroup2 tree ("unified"). The container goes into all of
// them: in a hierarchy it is not placed in it would keep the caller's cgroup,
// usually the host's root, and a cgroup mount would show it that one. The
// host's are looked up once per mcrun (run makes a Cgroup for create and
// another for delete).
const std::vector<std::string>& Cgroup::hierarchies() const {
  if (hierarchies_) return *hierarchies_;
  if (layout_ == CgroupLayout::V2) {
    hierarchies_.emplace(1, "");
    return *hierarchies_;
  }
  static const Hierarchies host = find_hierarchies(kRoot);
  Hierarchies found = root_ == kRoot ? host : find_hierarchies(root_);
  hierarchies_ = std::move(found.dirs);
  unified_ = std::move(found.unified);
  return *hierarchies_;
}

// mkdir -p of path_ in hierarchy `h` (v1; v2 has the one tree); true if the
// leaf was made now.
Result<bool> Cgroup::make_dir_in(const std::string& h) const {
  const bool v2 = layout_ == CgroupLayout::V2;
  std::string base = v2 ? root_ : root_ + "/" + h;
  // v1, where a dozen hierarchies each have this path: the leaf first, as
  // its parents usually exist (the walk would mkdir each of them for EEXIST).
  if (!v2) {
    std::string leaf = base + path_;
    if (::mkdir(leaf.c_str(), 0755) == 0) {
      if (is_cpuset(h)) MCRUN_CHECK(inherit_cpuset(leaf.substr(0, leaf.rfind('/')), leaf));
      return true;
    }
    if (errno == EEXIST) return false;
    if (errno != ENOENT) return fail_errno("mkdir cgroup " + quote(leaf));
  }
  // Walk down, creating levels.
  std::string cur = base;
  size_t pos = 1;
  bool made = false;  // the last level
  while (pos <= path_.size()) {
    size_t end = path_.find('/', pos);
    if (end == std::string::npos) end = path_.size();
    if (end > pos) {
      std::string parent = cur;
      cur += "/" + path_.substr(pos, end - pos);
      made = ::mkdir(cur.c_str(), 0755) == 0;
      if (!made && errno != EEXIST) return fail_errno("mkdir cgroup " + quote(cur));
      if (made && is_cpuset(h)) MCRUN_CHECK(inherit_cpuset(parent, cur));
      if (v2 && cur != base + path_) {
        // Delegate the controllers the parent has to the next level.
        auto avail = sys::read_file(cur + "/cgroup.controllers", 4096);
        if (avail) {
          std::istringstream in(*avail);
          std::string c, enable;
          while (in >> c) enable += (enable.empty() ? "+" : " +") + c;
          if (!enable.empty()) (void)sys::write_file(cur + "/cgroup.subtree_control", enable);
        }
      }
    }
    pos = end + 1;
  }
  return made;
}

Result<bool> Cgroup::make_dirs() const {
  bool all_new = true;  // every hierarchy's leaf made here, now
  for (const auto& h : hierarchies()) {
    auto made = make_dir_in(h);
    if (!made) return std::unexpected(made.error());
    all_new = all_new && *made;
  }
  return all_new;
}

Result<> Cgroup::create() const {
  auto all_new = make_dirs();
  if (!all_new) return std::unexpected(all_new.error());
  // An existing cgroup is reused only if nothing lives in it, and never
  // frozen: a leftover FROZEN state would freeze the new init mid-setup.
  // One made just now is neither.
  if (*all_new) return {};
  if (auto pids = this->pids(); pids && !pids->empty())
    return fail(
        "cgroup " + quote(path_) + " is in use by " + std::to_string(pids->size()) + " process(es)",
        EBUSY);
  if (frozen()) MCRUN_CHECK(set_frozen(false));
  return {};
}

// A knob kept open across consecutive writes to it: the v1 devices rules are
// one write(2) each, a dozen of them to devices.allow.
struct Cgroup::OpenKnob {
  std::string path;
  sys::UniqueFd fd;
};

Result<> Cgroup::write(const CgroupWrite& w, OpenKnob& knob) const {
  std::string file = dir(w.controller) + "/" + w.file;
  if (knob.path != file) {
    knob.path.clear();
    auto fd = sys::open_path(file, O_WRONLY);
    if (!fd && fd.error().code == ENOENT) {
      // Optional knobs this kernel lacks (memsw without swap accounting, rt,
      // blkio.weight under BFQ) are skipped only if nothing was asked of them.
      if (w.controller == "devices")
        return fail("cgroup devices controller is missing: " + quote(file), ENOENT);
      return fail("cgroup: " + w.file + " is not available on this kernel (" + quote(file) + ")",
                  ENOENT);
    }
    if (!fd) return std::unexpected(std::move(fd.error()).context("cgroup"));
    knob.fd = std::move(*fd);
    knob.path = file;
  }
  auto r = sys::write_all(knob.fd.get(), w.value);
  if (!r)
    return std::unexpected(
        Error{r.error().code, "cgroup: write " + quote(w.value) + " to " + quote(file)});
  return {};
}

Result<> Cgroup::apply(const spec::Resources& r) const {
  auto writes = layout_ == CgroupLayout::V2 ? plan_v2(r) : plan_v1(r);
  OpenKnob knob;
  for (const auto& w : writes) {
    if (!device_rules_ && w.controller == "devices") continue;
    // Under the BFQ scheduler the weights are blkio.bfq.weight{,_device}.
    if ((w.file == "blkio.weight" || w.file == "blkio.weight_device") &&
        ::access(dir("blkio").c_str(), F_OK) == 0 &&
        ::access((dir("blkio") + "/" + w.file).c_str(), F_OK) != 0) {
      MCRUN_CHECK(write(
          {"blkio", "blkio.bfq." + w.file.substr(std::string("blkio.").size()), w.value}, knob));
      continue;
    }
    MCRUN_CHECK(write(w, knob));
  }
  if (layout_ == CgroupLayout::V2 && device_rules_) {
    MCRUN_CHECK_CTX(set_device_filter(with_default_devices(r.devices)), "linux.resources.devices");
  }
  return {};
}

// The new program is attached before the old ones are detached: with several
// attached every one must allow, so there is no moment without a filter.
Result<> Cgroup::set_device_filter(const std::vector<spec::DeviceRule>& rules) const {
  auto cgroup = sys::open_path(dir(""), O_RDONLY | O_DIRECTORY);
  if (!cgroup) return std::unexpected(cgroup.error());
  auto prog = sys::bpf_load_cgroup_device(device_filter(rules));
  if (!prog) return std::unexpected(prog.error());
  auto before = sys::bpf_query_cgroup_device(cgroup->get());
  if (!before) return std::unexpected(before.error());
  MCRUN_CHECK(sys::bpf_attach_cgroup_device(cgroup->get(), prog->get()));
  for (uint32_t id : *before) {
    auto old = sys::bpf_prog_fd_by_id(id);
    if (!old) return std::unexpected(old.error());
    MCRUN_CHECK(sys::bpf_detach_cgroup_device(cgroup->get(), old->get()));
  }
  return {};
}

Result<> Cgroup::add(pid_t pid) const {
  for (const auto& h : hierarchies())
    MCRUN_CHECK(sys::write_file(dir(h) + "/cgroup.procs", std::to_string(pid)));
  return {};
}

Result<> Cgroup::complete_scope(pid_t pid) const {
  if (layout_ == CgroupLayout::V2) return {};
  auto made = make_dirs();
  if (!made) return std::unexpected(made.error());
  return add(pid);
}

namespace {

// A path below a cgroup, "/a/b" (or "" for the cgroup itself): never above
// it, so no "." or ".." (cgroupfs has no symlinks to follow).
Result<std::string> below_path(const std::string& path) {
  std::string out;
  for (auto part : sys::split(path, '/')) {
    if (part.empty()) continue;
    if (part == "." || part == "..")
      return fail("--cgroup: " + quote(path) + ": must name a cgroup below the container's",
                  EINVAL);
    out += "/" + std::string(part);
  }
  return out;
}

}  // namespace

Result<CgroupEntry> Cgroup::entry(const std::map<std::string, std::string>& below) const {
  const auto& all = hierarchies();
  // Each given path is checked once, then looked up by every hierarchy.
  std::map<std::string, std::string> checked;
  for (const auto& [h, path] : below) {
    if (!h.empty() &&
        (layout_ == CgroupLayout::V2 || std::find(all.begin(), all.end(), h) == all.end()))
      return fail("--cgroup: " + quote(h + ":" + path) + ": " +
                      (layout_ == CgroupLayout::V2
                           ? "cgroup v2 has one hierarchy: give the path without a controller"
                           : "no cgroup v1 hierarchy " + quote(h) + " holds the container"),
                  EINVAL);
    auto sub = below_path(path);
    if (!sub) return std::unexpected(sub.error());
    checked.emplace(h, std::move(*sub));
  }
  CgroupEntry e;
  for (const auto& h : all) {
    bool v2 = layout_ == CgroupLayout::V2 || h == unified_;
    auto given = checked.find(h);
    if (given == checked.end()) given = checked.find("");
    const std::string sub = given == checked.end() ? "" : given->second;
    auto fd = v2 ? sys::open_path(dir(h) + sub, O_PATH | O_DIRECTORY)
                 : sys::open_path(dir(h) + sub + "/tasks", O_WRONLY);
    if (!fd)
      return std::unexpected(std::move(fd.error())
                                 .context(sub.empty() ? "enter the cgroup"
                                                      : "enter the cgroup " + quote(path_ + sub)));
    if (v2)
      e.clone_into = std::move(*fd);
    else
      e.self_join.push_back(std::move(*fd));
  }
  return e;
}

Result<> enter_cgroups_by_self(const std::vector<int>& tasks) {
  for (int fd : tasks) {
    sys::UniqueFd owned(fd);
    MCRUN_CHECK_CTX(sys::write_all(fd, "0"), "enter the cgroup");
  }
  return {};
}

// The directory whose cgroup.procs lists the container's processes.
std::string Cgroup::procs_dir() const {
  if (layout_ == CgroupLayout::V2) return dir("");
  for (const char* c : {"pids", "memory", "freezer"})
    if (::access(dir(c).c_str(), F_OK) == 0) return dir(c);
  const auto& h = hierarchies();
  return h.empty() ? dir("") : dir(h.front());
}

Result<std::vector<pid_t>> Cgroup::pids() const {
  std::vector<pid_t> out;
  // Child cgroups the container made hold its processes too.
  MCRUN_CHECK(for_each_cgroup(procs_dir(), [&](const std::string& d) -> Result<> {
    auto text = sys::read_file(d + "/cgroup.procs", 16 << 20);
    if (!text) return text.error().code == ENOENT ? Result<>{} : std::unexpected(text.error());
    for (auto p : sys::split(*text, '\n'))
      if (pid_t pid = static_cast<pid_t>(std::atol(std::string(p).c_str())); pid > 0)
        out.push_back(pid);
    return {};
  }));
  return out;
}

Result<> Cgroup::signal_all(int sig) const {
  // cgroup.kill (Linux 5.14, v2) kills the whole subtree at once, forks
  // included; elsewhere the cgroup is frozen so nothing forks away between
  // reading the list and signalling it (as runc does).
  if (layout_ == CgroupLayout::V2 && sig == SIGKILL &&
      ::access((dir("") + "/cgroup.kill").c_str(), F_OK) == 0)
    return sys::write_file(dir("") + "/cgroup.kill", "1");
  bool was_frozen = frozen();
  bool froze = !was_frozen && sig != SIGCONT && set_frozen(true).has_value();
  auto pids = this->pids();
  for (pid_t p : pids ? *pids : std::vector<pid_t>{}) ::kill(p, sig);
  if (froze || (was_frozen && sig == SIGKILL))
    MCRUN_CHECK(set_frozen(false));  // SIGKILL acts once thawed
  if (!pids) return std::unexpected(pids.error());
  return {};
}

Result<> Cgroup::set_frozen(bool frozen) const {
  if (layout_ == CgroupLayout::V2)
    return sys::write_file(dir("") + "/cgroup.freeze", frozen ? "1" : "0");
  MCRUN_CHECK(sys::write_file(dir("freezer") + "/freezer.state", frozen ? "FROZEN" : "THAWED"));
  // FREEZING is transitional: wait until the kernel says FROZEN.
  for (int i = 0; frozen && i < 1000; ++i) {
    auto s = sys::read_file(dir("freezer") + "/freezer.state", 64);
    if (s && trim(*s) == "FROZEN") return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return {};
}

bool Cgroup::frozen() const {
  if (layout_ == CgroupLayout::V2) {
    auto s = sys::read_generated(dir("") + "/cgroup.freeze");
    return s && trim(*s) == "1";
  }
  auto s = sys::read_generated(dir("freezer") + "/freezer.state");
  return s && trim(*s) == "FROZEN";
}

CgroupStats Cgroup::stats() const {
  CgroupStats s;
  long tick_ns = 1000000000L / ::sysconf(_SC_CLK_TCK);
  if (layout_ == CgroupLayout::V2) {
    std::string d = dir("");
    s.cpu_total_ns = read_key(d + "/cpu.stat", "usage_usec") * 1000;
    s.cpu_user_ns = read_key(d + "/cpu.stat", "user_usec") * 1000;
    s.cpu_kernel_ns = read_key(d + "/cpu.stat", "system_usec") * 1000;
    s.memory_usage = read_u64(d + "/memory.current");
    s.memory_max_usage = read_u64(d + "/memory.peak");
    s.memory_limit = read_u64(d + "/memory.max");
    s.pids_current = read_u64(d + "/pids.current");
    s.pids_limit = read_u64(d + "/pids.max");
    s.oom_kills = read_key(d + "/memory.events", "oom_kill");
    return s;
  }
  s.cpu_total_ns = read_u64(dir("cpuacct") + "/cpuacct.usage");
  s.cpu_user_ns =
      read_key(dir("cpuacct") + "/cpuacct.stat", "user") * static_cast<uint64_t>(tick_ns);
  s.cpu_kernel_ns =
      read_key(dir("cpuacct") + "/cpuacct.stat", "system") * static_cast<uint64_t>(tick_ns);
  s.memory_usage = read_u64(dir("memory") + "/memory.usage_in_bytes");
  s.memory_max_usage = read_u64(dir("memory") + "/memory.max_usage_in_bytes");
  s.memory_limit = read_u64(dir("memory") + "/memory.limit_in_bytes");
  s.pids_current = read_u64(dir("pids") + "/pids.current");
  s.pids_limit = read_u64(dir("pids") + "/pids.max");
  s.oom_kills = read_key(dir("memory") + "/memory.oom_control", "oom_kill");
  return s;
}

// rmdir of one cgroup directory; the kernel keeps it busy for a moment
// while its last tasks finish exiting.
static Result<> remove_cgroup_dir(const std::string& d) {
  for (int attempt = 0;; ++attempt) {
    if (::rmdir(d.c_str()) == 0 || errno == ENOENT) return {};
    if (errno != EBUSY || attempt >= 500) return fail_errno("rmdir cgroup " + quote(d));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

Result<> Cgroup::destroy() const {
  // Whatever still lives in the container's cgroups (stragglers of a
  // container without its own pid namespace, or in child cgroups it made)
  // dies first; then every directory goes, children before parents.
  if (auto pids = this->pids(); pids && !pids->empty()) (void)signal_all(SIGKILL);
  for (const auto& h : hierarchies()) {
    // Mostly there is nothing below it: one rmdir, no walk.
    if (::rmdir(dir(h).c_str()) == 0 || errno == ENOENT) continue;
    std::vector<std::string> dirs;
    MCRUN_CHECK(for_each_cgroup(dir(h), [&](const std::string& d) -> Result<> {
      dirs.push_back(d);
      return {};
    }));
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) MCRUN_CHECK(remove_cgroup_dir(*it));
  }
  // The scope is empty now: systemd forgets it at once.
  if (!systemd_unit_.empty()) MCRUN_CHECK(stop_scope(systemd_unit_, systemd_manager_));
  return {};
}

Result<> for_each_cgroup(const std::string& top,
                         const std::function<Result<>(const std::string&)>& f) {
  if (::access(top.c_str(), F_OK) != 0) return {};
  MCRUN_CHECK(f(top));
  DIR* d = ::opendir(top.c_str());
  if (!d) return errno == ENOENT ? Result<>{} : fail_errno("opendir " + quote(top));
  std::vector<std::string> children;
  while (dirent* e = ::readdir(d))
    if (e->d_type == DT_DIR && e->d_name[0] != '.') children.push_back(top + "/" + e->d_name);
  ::closedir(d);
  for (const auto& c : children) MCRUN_CHECK(for_each_cgroup(c, f));
  return {};
}

}  // namespace mcrun::runtime
