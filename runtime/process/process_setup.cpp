#include "runtime/process/process_setup.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <set>
#include <string_view>

#include "runtime/process/lsm.hpp"
#include "runtime/sys/proc.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"
#include "spec/create_rules.hpp"
#include "spec/names.hpp"

namespace mcrun::runtime {

namespace {

// The signals whose disposition is not SIG_DFL, as bits (1 << (sig - 1)):
// ignored ones (exec keeps them ignored) and handled ones (ours, until the
// exec). /proc/self/status has both as masks, a read instead of a
// sigaction per signal; every signal if it cannot be read.
uint64_t non_default_signals() {
  auto status = sys::read_generated("/proc/self/status");
  if (!status) return ~uint64_t{0};
  uint64_t mask = 0;
  int found = 0;
  for (auto line : sys::split(*status, '\n')) {
    for (std::string_view key : {"SigIgn:", "SigCgt:"}) {
      if (!line.starts_with(key)) continue;
      std::string hex(line.substr(key.size()));
      char* end = nullptr;
      errno = 0;
      uint64_t bits = std::strtoull(hex.c_str(), &end, 16);
      if (errno != 0 || end == hex.c_str()) return ~uint64_t{0};
      mask |= bits;
      ++found;
    }
  }
  return found == 2 ? mask : ~uint64_t{0};
}

}  // namespace

void begin_container_child(bool dumpable_until_go) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (!dumpable_until_go) ::prctl(PR_SET_DUMPABLE, 0);
  const uint64_t reset = non_default_signals();
  for (int sig = 1; sig < NSIG && sig <= 64; ++sig)
    if (reset & (uint64_t{1} << (sig - 1))) ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

void end_dumpable_window() { ::prctl(PR_SET_DUMPABLE, 0); }

Result<std::string> find_executable(const std::string& arg0, const std::vector<std::string>& env) {
  auto executable = [](const std::string& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (arg0.find('/') != std::string::npos) {
    if (executable(arg0)) return arg0;
    return fail("exec: " + quote(arg0) + ": no such executable file in the container", 0,
                ErrorKind::ProgramNotFound);
  }
  std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const auto& e : env)
    if (e.starts_with("PATH=")) path = e.substr(5);
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find(':', pos);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(pos, end - pos);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + arg0;
    if (executable(candidate)) return candidate;
    pos = end + 1;
  }
  return fail("exec: " + quote(arg0) + ": executable file not found in $PATH", 0,
              ErrorKind::ProgramNotFound);
}

bool is_missing_program(const Error& e) { return e.kind == ErrorKind::ProgramNotFound; }

Result<> set_rlimits(const std::vector<spec::Rlimit>& rlimits) {
  for (const auto& r : rlimits) {
    auto resource = spec::rlimit_resource(r.type);
    if (!resource) return fail("unknown rlimit " + r.type, EINVAL);
    rlimit lim{r.soft, r.hard};
    if (::setrlimit(static_cast<__rlimit_resource>(*resource), &lim) < 0)
      return fail_errno("setrlimit " + r.type + " soft=" + std::to_string(r.soft) +
                        " hard=" + std::to_string(r.hard));
  }
  return {};
}

namespace {

std::vector<cap_value_t> cap_values(const std::optional<std::vector<std::string>>& names) {
  std::vector<cap_value_t> out;
  if (!names) return out;
  for (const auto& n : *names)
    if (auto v = spec::capability_number(n); v && *v <= CAP_LAST_CAP) out.push_back(*v);
  return out;
}

Result<> apply_capabilities(const spec::Capabilities& caps) {
  cap_t c = cap_init();
  if (!c) return fail_errno("cap_init");
  auto set = [&](cap_flag_t flag, const std::optional<std::vector<std::string>>& names) {
    auto values = cap_values(names);
    return values.empty() ||
           cap_set_flag(c, flag, static_cast<int>(values.size()), values.data(), CAP_SET) == 0;
  };
  bool ok = set(CAP_EFFECTIVE, caps.effective) && set(CAP_PERMITTED, caps.permitted) &&
            set(CAP_INHERITABLE, caps.inheritable);
  int rc = ok ? cap_set_proc(c) : -1;
  int saved = errno;
  cap_free(c);
  if (rc < 0) return errno = saved, fail_errno("capset");
  // One call (libcap's cap_reset_ambient first reads every capability).
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return fail_errno("reset ambient capabilities");
  auto skipped = ambient_not_raisable(caps);
  for (const auto& name : caps.ambient.value_or(std::vector<std::string>{})) {
    if (std::find(skipped.begin(), skipped.end(), name) != skipped.end()) continue;
    auto v = spec::capability_number(name);
    if (v && *v <= CAP_LAST_CAP && cap_set_ambient(*v, CAP_SET) < 0)
      return fail_errno("raise ambient capability " + name);
  }
  return {};
}

}  // namespace

spec::Problems drop_capabilities_not_grantable_here(spec::Process& p, const spec::Config& config,
                                                    const std::string& where) {
  if (!p.capabilities) return {};
  const bool user_ns = config.linux && config.linux->find_namespace("user");
  return spec::drop_ungrantable_capabilities(
      *p.capabilities,
      [user_ns](int v) {
        // 1 in the bounding set, 0 not, EINVAL past the kernel's last capability.
        int in_bounding = prctl(PR_CAPBSET_READ, v, 0, 0, 0);
        return user_ns ? in_bounding >= 0 : in_bounding == 1;
      },
      where);
}

std::vector<std::string> ambient_not_raisable(const spec::Capabilities& caps) {
  std::vector<std::string> out;
  auto in = [](const std::optional<std::vector<std::string>>& set, const std::string& name) {
    return set && std::find(set->begin(), set->end(), name) != set->end();
  };
  for (const auto& name : caps.ambient.value_or(std::vector<std::string>{}))
    if (!in(caps.permitted, name) || !in(caps.inheritable, name)) out.push_back(name);
  return out;
}

namespace {

Result<> drop_bounding(const spec::Capabilities& caps) {
  auto keep = cap_values(caps.bounding);
  // The running kernel may know more capabilities than this libcap build:
  // drop upwards until it says EINVAL (past its last), one call per capability.
  for (int v = 0; v <= 63; ++v) {
    if (std::find(keep.begin(), keep.end(), v) != keep.end()) continue;
    if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) == 0) continue;
    if (errno == EINVAL) break;
    return fail_errno("drop capability " + std::to_string(v) + " from the bounding set");
  }
  return {};
}

}  // namespace

Result<> switch_identity(const spec::Process& p) {
  const spec::Capabilities* caps = p.capabilities ? &*p.capabilities : nullptr;
  // The bounding set can only shrink, and only with CAP_SETPCAP: drop first.
  if (caps) MCRUN_CHECK(drop_bounding(*caps));
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return fail_errno("prctl PR_SET_KEEPCAPS");
  std::vector<gid_t> groups(p.user.additional_gids.begin(), p.user.additional_gids.end());
  if (::setgroups(groups.size(), groups.data()) < 0 && errno != EPERM)
    return fail_errno("setgroups");
  if (::setresgid(p.user.gid, p.user.gid, p.user.gid) < 0)
    return fail_errno("setresgid " + std::to_string(p.user.gid));
  if (::setresuid(p.user.uid, p.user.uid, p.user.uid) < 0)
    return fail_errno("setresuid " + std::to_string(p.user.uid));
  if (caps) MCRUN_CHECK(apply_capabilities(*caps));
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return fail_errno("prctl PR_SET_KEEPCAPS");
  return {};
}

Result<> set_no_new_privileges() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return fail_errno("prctl PR_SET_NO_NEW_PRIVS");
  return {};
}

}  // namespace mcrun::runtime

namespace mcrun::runtime {

Result<> drop_privileges(const spec::Process& p, const SeccompProgram* seccomp) {
  // While still privileged, and before seccomp could refuse the write.
  MCRUN_CHECK(set_exec_labels(p));
  if (seccomp && !p.no_new_privileges) MCRUN_CHECK(load_seccomp(*seccomp));
  MCRUN_CHECK(switch_identity(p));
  ::umask(p.user.umask.value_or(022));
  if (p.no_new_privileges) MCRUN_CHECK(set_no_new_privileges());
  if (seccomp && p.no_new_privileges) MCRUN_CHECK(load_seccomp(*seccomp));
  return {};
}

Result<> close_on_exec(int preserve_fds) {
  if (preserve_fds < 0) return fail("preserve_fds must not be negative", EINVAL);
  for (int fd = 3; fd < 3 + preserve_fds; ++fd)
    if (::fcntl(fd, F_SETFD, 0) < 0) return fail_errno("--preserve-fds: fd " + std::to_string(fd));
  if (::close_range(3 + static_cast<unsigned>(preserve_fds), ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return fail_errno("close_range");
  return {};
}

namespace {
// The home field of `uid`'s line in passwd(5) text, if there is one.
std::optional<std::string> passwd_home(std::string_view text, uid_t uid) {
  const std::string id = std::to_string(uid);
  for (auto line : sys::split(text, '\n')) {
    auto fields = sys::split(line, ':');
    if (fields.size() >= 7 && fields[2] == id) return std::string(fields[5]);
  }
  return std::nullopt;
}
}  // namespace

std::vector<std::string> deduplicated_env(const std::vector<std::string>& env) {
  std::vector<std::string> out;
  std::set<std::string_view> seen;
  // From the end, so that each name's last entry is the one kept.
  for (auto it = env.rbegin(); it != env.rend(); ++it) {
    std::string_view name = std::string_view(*it).substr(0, it->find('='));
    if (!seen.insert(name).second) continue;
    if (*it == "HOME=") continue;
    out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> program_env(const std::vector<std::string>& given, uid_t uid) {
  std::vector<std::string> env = deduplicated_env(given);
  if (std::ranges::any_of(env, [](const std::string& e) { return e.starts_with("HOME="); }))
    return env;
  std::optional<std::string> home;
  // Symlinks in the image resolve inside the root (it is ours now); no
  // magic link leads out of it. A regular file only: an image's FIFO there
  // would block the open, a device endless reads.
  if (auto fd =
          sys::openat2(AT_FDCWD, "/etc/passwd", O_RDONLY | O_NONBLOCK, 0, RESOLVE_NO_MAGICLINKS)) {
    auto st = sys::stat_at(fd->get(), "", AT_EMPTY_PATH);
    if (st && S_ISREG(st->st_mode))
      if (auto text = sys::read_fd(fd->get(), 4 << 20)) home = passwd_home(*text, uid);
  }
  env.push_back("HOME=" + (home && !home->empty() ? *home : std::string("/")));
  return env;
}

Result<> exec_program(const std::vector<std::string>& args, const std::vector<std::string>& env,
                      const std::string& exe) {
  // execve's arrays are char* const* for C's sake; it writes through none.
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  ::execve(exe.c_str(), argv.data(), envp.data());
  return fail_errno("exec " + quote(exe));
}

}  // namespace mcrun::runtime
