// AppArmor and SELinux. process.apparmorProfile, process.selinuxLabel and
// linux.mountLabel are applied where the host has the security module and
// refused where it has not (as runc): a container that asks to be confined
// never runs unconfined.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "spec/config.hpp"
#include "spec/create_rules.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

bool apparmor_enabled();
bool selinux_enabled();

// What spec's create rules need to know of this host: its security modules
// and which namespaces are mcrun's own.
spec::HostFacts host_facts();

// In the process, before it drops its privileges: the profile and label that
// the exec of the program will enter.
Result<> set_exec_labels(const spec::Process& p);

}  // namespace mcrun::runtime
