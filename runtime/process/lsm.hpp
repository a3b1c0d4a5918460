// AppArmor and SELinux. process.apparmorProfile, process.selinuxLabel and
// linux.mountLabel are applied where the host has the security module and
// refused where it has not (as runc): a container that asks to be confined
// never runs unconfined.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

bool apparmor_enabled();
bool selinux_enabled();

// Before anything is made: every label asked for can be applied on this host.
// `where` is the pointer prefix of the process in `file` ("/process", or ""
// for a process.json).
Result<> check_lsm_support(const spec::Process& p, const std::optional<std::string>& mount_label,
                           std::string_view file, std::string_view where);

// In the process, before it drops its privileges: the profile and label that
// the exec of the program will enter.
Result<> set_exec_labels(const spec::Process& p);

}  // namespace mcrun::runtime
