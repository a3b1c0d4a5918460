// Applying a mount plan inside the container's mount namespace, and the
// steps around it: make the tree private, pivot_root, masked/read-only paths.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "runtime/mount/mount_plan.hpp"
#include "runtime/sys/fd.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

// Make every mount in this (new) namespace a slave/private copy, so nothing
// the container mounts can propagate back to the host. `propagation` = MS_* | MS_REC.
Result<> isolate_mount_tree(unsigned long propagation);

// Bind the rootfs onto itself so it is a mount point pivot_root accepts.
Result<> bind_rootfs(const std::string& rootfs, bool parent_may_be_shared);

// A "shared"/"rshared" bind is cloned by the parent, in the host's mount
// namespace, before the init makes its new tree a slave: the clone is a peer
// of its source, so mounts on either side reach the other, which a bind of
// the slave copy can never do. Sets each such op's tree_fd; the returned fds
// own them (O_CLOEXEC) and must outlive the clone of the init.
Result<std::vector<sys::UniqueFd>> clone_shared_sources(std::vector<MountOp>& ops);

// An id-mapped bind is cloned by the parent too, which holds CAP_SYS_ADMIN
// over the source's filesystem (an init in a user namespace does not), and
// the mapping is set on the clone while it is detached (mount_setattr
// MOUNT_ATTR_IDMAP, Linux 5.12, which takes only a detached mount).
// userns_for gives the namespace whose mapping an op gets (borrowed). A shared bind's
// clone is mapped in place; new clones are returned to own, as above.
Result<std::vector<sys::UniqueFd>> clone_id_mapped_sources(
    std::vector<MountOp>& ops, const std::function<Result<int>(const MountOp&)>& userns_for);

// Performs one planned mount beneath root_fd. `create` lets it create missing
// mount points inside the rootfs (false for the host's shared root "/").
Result<> apply_mount(const MountOp& op, int root_fd, bool create);

// The mounts planned read-only later (MountOp::readonly_later) made
// read-only, each alone: what was mounted below keeps its own flags.
Result<> remount_readonly(const std::vector<MountOp>& ops, int root_fd);

// pivot_root into rootfs and detach the old root (or MS_MOVE + chroot).
Result<> enter_rootfs(const std::string& rootfs, bool no_pivot);

// After the pivot: maskedPaths (bind /dev/null, or an empty read-only tmpfs
// over directories) and readonlyPaths (recursive read-only bind onto itself).
Result<> mask_paths(const std::vector<std::string>& paths);
Result<> readonly_paths(const std::vector<std::string>& paths);

// Make "/" read-only (the top mount only, like runc: /proc, /dev stay writable).
Result<> make_root_readonly();

// Final propagation of "/" for rootfsPropagation (e.g. "shared").
Result<> set_root_propagation(unsigned long propagation);

}  // namespace mcrun::runtime
