// Each container's own session keyring, as runc and crun make one (unless
// --no-new-keyring). Keyrings are not namespaced: a process inherits its
// parent's session keyring and possesses every key in it, so without this a
// container's processes read the keys of whoever ran mcrun (an ssh login's,
// a service's).
#pragma once

#include <string>

#include "spec/error.hpp"

namespace mcrun::runtime {

// runc's "_ses.<id>", with 16 random hex digits after it: the name is all it
// takes to join a keyring one may search, and runc's can be guessed by
// another container of the same uid.
std::string new_container_keyring_name(const std::string& id);

// Joins the container's session keyring of that name (create's init makes
// it; exec's process joins it, or makes its own where it may not search it)
// and leaves it usable only by its possessors, the processes that hold it
// as their session keyring. Search stays open to its uid (to anyone, in a
// user namespace, as runc) so that exec finds it by name; with no view and
// no read, no one else sees it in /proc/keys or lists its keys. A kernel
// without keyrings (ENOSYS) has no keyring to leak: nothing is done.
Result<> join_container_keyring(const std::string& name, bool user_namespace);

}  // namespace mcrun::runtime
