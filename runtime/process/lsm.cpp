#include "runtime/process/lsm.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/process/namespaces.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {

constexpr long kSelinuxMagic = 0xf97cff8c;

// Writes a label to a /proc/self/attr file. Where it is written, /proc is
// the container's (the init has pivoted into its root; exec has entered its
// mounts), and a directory mounted there (an image's volume) would take the
// label to a plain file: the program would run unconfined and nothing would
// fail (runc's CVE-2019-16884). So the file must be the kernel's; another
// task's attr file under a procfs of the container's own refuses the write.
// Nor may a mount cover it: a procfs file bound over it (by a process that
// shares the container's mounts) is procfs too, and would take the label
// to, say, /proc/sys/kernel/core_pattern (runc's CVE-2025-52881). The file
// must be on /proc's own mount.
Result<> write_attr(const std::string& path, const std::string& label) {
  auto fd = sys::open_path(path, O_WRONLY);
  if (!fd) return std::unexpected(fd.error());
  struct statfs fs;
  if (::fstatfs(fd->get(), &fs) < 0) return fail_errno("fstatfs " + quote(path));
  if (fs.f_type != PROC_SUPER_MAGIC)
    return fail(quote(path) + " is not procfs: the container's /proc is not the kernel's", EPERM);
  auto file = sys::mount_id(fd->get(), "");
  auto proc = sys::mount_id(AT_FDCWD, "/proc");
  if (!file) return std::unexpected(file.error());
  if (!proc) return std::unexpected(proc.error());
  if (*file != *proc)
    return fail(quote(path) + " is covered by a mount: the label would be written elsewhere",
                EPERM);
  MCRUN_CHECK_CTX(sys::write_all(fd->get(), label), quote(path));
  return {};
}

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
    MCRUN_CHECK_CTX(write_attr(attr, "exec " + *p.apparmor_profile),
                    "apply AppArmor profile " + quote(*p.apparmor_profile));
  }
  if (p.selinux_label && !p.selinux_label->empty())
    MCRUN_CHECK_CTX(write_attr("/proc/self/attr/exec", *p.selinux_label),
                    "apply SELinux label " + quote(*p.selinux_label));
  return {};
}

}  // namespace mcrun::runtime
