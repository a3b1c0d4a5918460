#include "runtime/process/lsm.hpp"

#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/sys/syscalls.hpp"
#include "spec/json_reader.hpp"

namespace mcrun::runtime {
namespace {

constexpr long kSelinuxMagic = 0xf97cff8c;

}  // namespace

bool apparmor_enabled() {
  auto on = sys::read_file("/sys/module/apparmor/parameters/enabled", 16);
  return on && on->starts_with("Y") && ::access("/sys/kernel/security/apparmor", F_OK) == 0;
}

bool selinux_enabled() {
  struct statfs fs;
  return ::statfs("/sys/fs/selinux", &fs) == 0 && fs.f_type == kSelinuxMagic;
}

Result<> check_lsm_support(const spec::Process& p, const std::optional<std::string>& mount_label,
                           std::string_view file, std::string_view where) {
  spec::Problems problems;
  const std::string refuse = ": refusing to run the container unconfined";
  if (p.apparmor_profile && !p.apparmor_profile->empty() && !apparmor_enabled())
    problems.push_back(
        {std::string(where) + "/apparmorProfile", "AppArmor is not enabled on this host" + refuse});
  if (p.selinux_label && !p.selinux_label->empty() && !selinux_enabled())
    problems.push_back(
        {std::string(where) + "/selinuxLabel", "SELinux is not enabled on this host" + refuse});
  if (mount_label && !mount_label->empty() && !selinux_enabled())
    problems.push_back({"/linux/mountLabel", "SELinux is not enabled on this host" + refuse});
  if (!problems.empty()) return fail(spec::format_problems(file, problems));
  return {};
}

Result<> set_exec_labels(const spec::Process& p) {
  if (p.apparmor_profile && !p.apparmor_profile->empty()) {
    // Linux 5.8 gave each module its own attr directory; older ones share attr/exec.
    std::string attr = ::access("/proc/self/attr/apparmor/exec", F_OK) == 0
                           ? "/proc/self/attr/apparmor/exec"
                           : "/proc/self/attr/exec";
    MCRUN_CHECK_CTX(sys::write_file(attr, "exec " + *p.apparmor_profile),
                    "apply AppArmor profile " + quote(*p.apparmor_profile));
  }
  if (p.selinux_label && !p.selinux_label->empty())
    MCRUN_CHECK_CTX(sys::write_file("/proc/self/attr/exec", *p.selinux_label),
                    "apply SELinux label " + quote(*p.selinux_label));
  return {};
}

}  // namespace mcrun::runtime
