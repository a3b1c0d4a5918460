#include "runtime/process/lsm.hpp"

#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/process/namespaces.hpp"
#include "runtime/sys/syscalls.hpp"

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

spec::HostFacts host_facts() {
  return {.apparmor = apparmor_enabled,
          .selinux = selinux_enabled,
          .is_runtime_namespace = is_runtime_namespace};
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
