#include "runtime/mount/mount_apply.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string_view>
#include <vector>

#include "runtime/mount/copy_up.hpp"
#include "runtime/mount/path_in_root.hpp"
#include "runtime/sys/proc.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"
#include "spec/names.hpp"

namespace mcrun::runtime {
namespace {

using sys::UniqueFd;

std::string describe(const MountOp& op) {
  std::string s = "mount " + quote(op.destination);
  if (op.kind == MountKind::Bind)
    s += " (bind from " + quote(op.source) + ")";
  else if (!op.fstype.empty())
    s += " (" + op.fstype + ")";
  return s;
}

// Sets attributes on a mount (an O_PATH fd of its root, or a detached tree).
Result<> set_attrs(int fd, uint64_t set, uint64_t clr, bool recursive) {
  if (!set && !clr) return {};
  mount_attr attr{};
  attr.attr_set = set;
  attr.attr_clr = clr;
  return sys::mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), attr);
}

Result<> set_propagation(int fd, unsigned long propagation, bool recursive) {
  if (!propagation) return {};
  mount_attr attr{};
  attr.propagation = propagation;
  return sys::mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), attr);
}

Result<UniqueFd> clone_source(const std::string& source, bool recursive) {
  return sys::open_tree(AT_FDCWD, source.c_str(), OPEN_TREE_CLONE | (recursive ? AT_RECURSIVE : 0));
}

// Set a detached tree's attributes while it is still detached (so it is never
// visible writable), and attach it at target.
Result<> attach_tree(int tree, int target_fd, uint64_t set, uint64_t clr, unsigned long propagation,
                     bool propagation_recursive) {
  // AT_RECURSIVE: "ro" on an rbind must hold for every submount too, since a
  // read-only top mount alone leaves the submounts below it writable.
  MCRUN_CHECK(set_attrs(tree, set, clr, true));
  MCRUN_CHECK(set_propagation(tree, propagation, propagation_recursive));
  return sys::move_mount(tree, target_fd);
}

// Clone a host path as a detached mount tree and attach it at target.
Result<> bind_tree(const std::string& source, int target_fd, bool recursive, uint64_t set,
                   uint64_t clr, unsigned long propagation, bool propagation_recursive) {
  auto tree = clone_source(source, recursive);
  if (!tree) return std::unexpected(tree.error());
  return attach_tree(tree->get(), target_fd, set, clr, propagation, propagation_recursive);
}

// A tree cloned in the host's namespace (clone_shared_sources) got its mount
// ids then, and the kernel lists a namespace's mounts by id (6.8+: an rbtree
// of unique ids; before, by attach order), so left as it is it would show
// before every other mount of the container. It is attached, cloned again
// from there (the clone is a peer of it, and so of the host's source, and
// gets ids in config order), and the first copy is detached.
Result<> attach_early_clone(const MountOp& op, int root_fd, int target_fd) {
  MCRUN_CHECK(attach_tree(op.tree_fd, target_fd, op.attr_set, op.attr_clr, op.propagation,
                          op.propagation_recursive));
  auto first = open_in_root(root_fd, op.destination);
  if (!first) return std::unexpected(first.error());
  auto again = sys::open_tree(first->get(), "",
                              OPEN_TREE_CLONE | AT_EMPTY_PATH | (op.recursive ? AT_RECURSIVE : 0));
  if (!again) return std::unexpected(again.error());
  // Through the magic link, umount2 names exactly the first copy's root.
  MCRUN_CHECK(sys::umount(sys::fd_path(first->get()), MNT_DETACH));
  return sys::move_mount(again->get(), target_fd);
}

// Where an fd's file is, as this mount namespace names it.
Result<std::string> path_of(int fd) {
  char buf[4096];
  ssize_t n = ::readlink(sys::fd_path(fd).c_str(), buf, sizeof buf);
  if (n < 0) return fail_errno("readlink " + sys::fd_path(fd));
  if (static_cast<size_t>(n) == sizeof buf) return fail("readlink: path too long", ENAMETOOLONG);
  return std::string(buf, static_cast<size_t>(n));
}

// What the container's /proc is decides where its LSM labels, sysctls and
// oom score are written: a directory mounted over it (an image's volume)
// takes them to plain files (CVE-2019-16884), a mount inside it shadows the
// kernel's files. So, as runc: on /proc only a procfs (a new one, or a bind
// of one), inside it only what lxcfs emulates. Checked on the destination as
// resolved in the root, so that no symlink of the image leads a mount there.
Result<> check_proc_destination(const MountOp& op, int root_fd, int target_fd) {
  auto target = path_of(target_fd);
  if (!target) return std::unexpected(target.error());
  // Most destinations are nowhere near a /proc: the root's path is not
  // needed to tell.
  if (target->find("/proc") == std::string::npos) return {};
  auto root = path_of(root_fd);
  if (!root) return std::unexpected(root.error());
  const std::string proc = (*root == "/" ? "" : *root) + "/proc";
  if (*target == proc) {
    struct statfs fs;
    if (op.kind == MountKind::Filesystem && op.fstype == "proc") return {};
    if (op.kind == MountKind::Bind && ::statfs(op.source.c_str(), &fs) == 0 &&
        fs.f_type == PROC_SUPER_MAGIC)
      return {};
    return fail("only a procfs may be mounted on /proc (type proc, or a bind of a procfs)", EPERM);
  }
  if (!target->starts_with(proc + "/")) return {};
  const std::string inside = target->substr(proc.size() - 5);  // "/proc/..."
  if (spec::contains(spec::proc_mountable_files(), inside)) return {};
  return fail(
      quote(inside) + " is inside /proc, where only the files lxcfs emulates may be mounted",
      EPERM);
}

Result<> apply_bind(const MountOp& op, int root_fd, bool create) {
  auto st = sys::stat_at(AT_FDCWD, op.source, 0);
  if (!st) return std::unexpected(st.error());
  Create what = !create ? Create::No : S_ISDIR(st->st_mode) ? Create::Directory : Create::File;
  auto target = open_or_create_in_root(root_fd, op.destination, what);
  if (!target) return std::unexpected(target.error());
  MCRUN_CHECK(check_proc_destination(op, root_fd, target->get()));
  if (op.tree_fd >= 0) return attach_early_clone(op, root_fd, target->get());
  return bind_tree(op.source, target->get(), op.recursive, op.attr_set, op.attr_clr, op.propagation,
                   op.propagation_recursive);
}

// Mount flags apply at mount time; propagation and recursive attributes need
// the new mount itself, so the destination is resolved again (in-root).
Result<> after_mount(const MountOp& op, int root_fd) {
  if (!op.propagation && !op.attr_set && !op.attr_clr) return {};
  auto mounted = open_in_root(root_fd, op.destination);
  if (!mounted) return std::unexpected(mounted.error());
  MCRUN_CHECK(set_attrs(mounted->get(), op.attr_set, op.attr_clr, true));
  return set_propagation(mounted->get(), op.propagation, op.propagation_recursive);
}

// A new sysfs needs CAP_SYS_ADMIN over the network namespace, so a user
// namespace without a network namespace of its own (a rootless container
// sharing the host's network) gets EPERM; then the host's /sys is bound
// instead, with the mount's flags, as `spec --rootless` (and runc's) writes it
// and as crun falls back. Nothing more is shown than the user sees already.
Result<> bind_host_sysfs(const MountOp& op, int target_fd) {
  uint64_t attrs = 0;
  for (auto [flag, attr] : {std::pair{MS_RDONLY, MOUNT_ATTR_RDONLY},
                            {MS_NOSUID, MOUNT_ATTR_NOSUID},
                            {MS_NODEV, MOUNT_ATTR_NODEV},
                            {MS_NOEXEC, MOUNT_ATTR_NOEXEC}})
    if (op.flags & flag) attrs |= attr;
  return bind_tree("/sys", target_fd, true, attrs, 0, 0, false);
}

Result<> apply_filesystem(const MountOp& op, int root_fd, bool create) {
  auto target =
      open_or_create_in_root(root_fd, op.destination, create ? Create::Directory : Create::No);
  if (!target) return std::unexpected(target.error());
  MCRUN_CHECK(check_proc_destination(op, root_fd, target->get()));
  // tmpcopyup: a readable fd of the directory taken before the tmpfs covers
  // it keeps naming the covered directory, whose entries are then copied in.
  UniqueFd covered;
  if (op.copy_up) {
    auto fd = sys::open_path(sys::fd_path(target->get()), O_RDONLY | O_DIRECTORY);
    if (!fd) return std::unexpected(fd.error());
    covered = std::move(*fd);
  }
  const char* source = op.source.empty() ? op.fstype.c_str() : op.source.c_str();
  auto mounted = sys::mount(source, sys::fd_path(target->get()), op.fstype.c_str(), op.flags,
                            op.data.empty() ? nullptr : op.data.c_str());
  if (!mounted && mounted.error().code == EPERM && op.fstype == "sysfs")
    return bind_host_sysfs(op, target->get());
  if (!mounted) return std::unexpected(mounted.error());
  if (covered) {
    // Resolved again: now it crosses into the new tmpfs.
    auto top = open_in_root(root_fd, op.destination);
    if (!top) return std::unexpected(top.error());
    MCRUN_CHECK_CTX(copy_tree(covered.get(), top->get()), "tmpcopyup");
    // The tmpfs root takes the covered directory's mode and owner, as runc's.
    auto st = sys::stat_at(covered.get(), "", AT_EMPTY_PATH);
    if (!st) return std::unexpected(st.error());
    if (::chown(sys::fd_path(top->get()).c_str(), st->st_uid, st->st_gid) < 0 ||
        ::chmod(sys::fd_path(top->get()).c_str(), st->st_mode & 07777) < 0)
      return fail_errno("tmpcopyup: set the mode of " + quote(op.destination));
  }
  return after_mount(op, root_fd);
}

bool is_cgroup2(const char* path) {
  struct statfs fs;
  return ::statfs(path, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

// The init's own cgroup in every v1 hierarchy, from /proc/self/cgroup
// ("4:cpu,cpuacct:/mcrun/c1", "1:name=systemd:/x", "0::/y"), keyed by the
// directory name the hierarchy has under /sys/fs/cgroup ("cpu,cpuacct",
// each controller alone, "systemd", and "unified" for the v2 line).
std::map<std::string, std::string> own_cgroups() {
  std::map<std::string, std::string> out;
  auto text = sys::read_file("/proc/self/cgroup");
  if (!text) return out;
  for (auto line : sys::split(*text, '\n')) {
    auto f = sys::split(line, ':', 3);  // id:controllers:path (a path may hold ':')
    if (f.size() < 3) continue;
    std::string path(f[2]);
    if (f[1].empty()) {
      out["unified"] = path;
    } else if (f[1].starts_with("name=")) {
      out[std::string(f[1].substr(5))] = path;
    } else {
      out[std::string(f[1])] = path;
      for (auto controller : sys::split(f[1], ',')) out[std::string(controller)] = path;
    }
  }
  return out;
}

// cgroup v2: a bind of the container's own cgroup directory (as runc does
// without a cgroup namespace). A fresh cgroup2 mount would show the root of
// the hierarchy: the cgroup namespace is made after the mounts (see init),
// and inside a user namespace such a mount is not even allowed.
Result<> bind_own_cgroup2(const MountOp& op, int target_fd) {
  std::string root = is_cgroup2("/sys/fs/cgroup") ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
  auto own = own_cgroups();
  auto it = own.find("unified");
  if (it == own.end())
    return fail("this process is in no cgroup2 cgroup (no \"0::\" line in /proc/self/cgroup)");
  std::string source = root + (it->second == "/" ? "" : it->second);
  uint64_t ro = (op.flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0;
  return bind_tree(source, target_fd, false,
                   ro | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0, 0, false);
}

// The "cgroup" mount: on v2 see above; on v1 (and hybrid) see below.
Result<> apply_cgroup(const MountOp& op, int root_fd, bool create) {
  const unsigned long fs_flags =
      op.flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME | MS_RDONLY);
  auto target =
      open_or_create_in_root(root_fd, op.destination, create ? Create::Directory : Create::No);
  if (!target) return std::unexpected(target.error());
  if (op.fstype == "cgroup2" || is_cgroup2("/sys/fs/cgroup"))
    return bind_own_cgroup2(op, target->get());

  // v1: a tmpfs holding one directory per hierarchy, each a bind of the
  // container's own cgroup there (as runc does), so the container sees its
  // limits at /sys/fs/cgroup/memory/memory.limit_in_bytes and nothing of the
  // host's other cgroups. Co-mount symlinks ("cpu" -> "cpu,cpuacct") are
  // copied. The init is already in its cgroup: create moved it before Go.
  MCRUN_CHECK(
      sys::mount("tmpfs", sys::fd_path(target->get()), "tmpfs", fs_flags & ~MS_RDONLY, "mode=755"));
  auto top = open_in_root(root_fd, op.destination);
  if (!top) return std::unexpected(top.error());
  auto own = own_cgroups();
  DIR* dir = ::opendir("/sys/fs/cgroup");
  if (!dir) return fail_errno("opendir \"/sys/fs/cgroup\"");
  std::vector<std::pair<std::string, unsigned char>> entries;
  while (dirent* e = ::readdir(dir))
    if (e->d_name[0] != '.') entries.emplace_back(e->d_name, e->d_type);
  ::closedir(dir);
  uint64_t ro = (op.flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0;
  for (const auto& [name, type] : entries) {
    std::string host = "/sys/fs/cgroup/" + name;
    if (type == DT_LNK) {
      char link[256];
      ssize_t n = ::readlink(host.c_str(), link, sizeof link - 1);
      if (n <= 0 ||
          std::string_view(link, static_cast<size_t>(n)).find('/') != std::string_view::npos)
        continue;
      if (::symlinkat(std::string(link, static_cast<size_t>(n)).c_str(), top->get(), name.c_str()) <
              0 &&
          errno != EEXIST)
        return fail_errno("symlink " + quote(op.destination + "/" + name));
      continue;
    }
    if (type != DT_DIR) continue;
    auto it = own.find(name);
    if (it == own.end()) continue;  // a hierarchy we are not in: nothing of it is shown
    std::string source = host + (it->second == "/" ? "" : it->second);
    if (::access(source.c_str(), F_OK) != 0) continue;
    // The tmpfs is new and the name one path component: no walk from the root.
    if (::mkdirat(top->get(), name.c_str(), 0755) < 0 && errno != EEXIST)
      return fail_errno("mkdir " + quote(op.destination + "/" + name));
    auto sub = sys::open_at(top->get(), name, O_PATH | O_DIRECTORY | O_NOFOLLOW);
    if (!sub) return std::unexpected(sub.error());
    MCRUN_CHECK(bind_tree(source, sub->get(), false,
                          ro | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0, 0,
                          false));
  }
  return set_attrs(top->get(), ro, 0, false);
}

}  // namespace

Result<> isolate_mount_tree(unsigned long propagation) {
  return sys::mount(nullptr, "/", nullptr, propagation ? propagation : MS_SLAVE | MS_REC, nullptr);
}

static Result<> make_parent_mount_private(const std::string& rootfs) {
  auto holder = sys::mount_holding(rootfs);
  if (!holder || !holder->shared) return {};
  return sys::mount(nullptr, holder->mount_point, nullptr, MS_PRIVATE, nullptr);
}

Result<> bind_rootfs(const std::string& rootfs, bool parent_may_be_shared) {
  // pivot_root(2) refuses (EINVAL) a new root whose parent mount is shared.
  // The tree is only shared when rootfsPropagation asked for it; then the
  // mount holding the rootfs alone turns private, as runc does, and "/" gets
  // the asked propagation back once it is the container's root.
  if (parent_may_be_shared)
    MCRUN_CHECK_CTX(make_parent_mount_private(rootfs), "make the rootfs parent private");
  return sys::mount(rootfs.c_str(), rootfs, nullptr, MS_BIND | MS_REC, nullptr);
}

Result<std::vector<UniqueFd>> clone_shared_sources(std::vector<MountOp>& ops) {
  std::vector<UniqueFd> trees;
  for (auto& op : ops) {
    if (op.kind != MountKind::Bind || !(op.propagation & MS_SHARED)) continue;
    auto tree = clone_source(op.source, op.recursive);
    if (!tree)
      return std::unexpected(Error{tree.error().code, describe(op) + ": " + tree.error().message});
    op.tree_fd = tree->get();
    trees.push_back(std::move(*tree));
  }
  return trees;
}

namespace {
Result<> map_tree_ids(const MountOp& op, int tree, int userns_fd) {
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = static_cast<uint64_t>(userns_fd);
  auto r =
      sys::mount_setattr(tree, "", AT_EMPTY_PATH | (op.id_map_recursive ? AT_RECURSIVE : 0), attr);
  // EINVAL: a filesystem (a submount's, with "ridmap") without id-mapped
  // mounts on this kernel (tmpfs has them from 6.3, ext4 and xfs from 5.12).
  if (!r && r.error().code == EINVAL)
    return fail("its filesystem does not support id-mapped mounts on this kernel", EINVAL);
  return r;
}
}  // namespace

Result<std::vector<UniqueFd>> clone_id_mapped_sources(
    std::vector<MountOp>& ops, const std::function<Result<int>(const MountOp&)>& userns_for) {
  std::vector<UniqueFd> trees;
  for (auto& op : ops) {
    if (op.kind != MountKind::Bind || !op.id_mapped) continue;
    auto mapped = [&]() -> Result<> {
      auto userns = userns_for(op);
      if (!userns) return std::unexpected(userns.error());
      if (op.tree_fd < 0) {
        auto tree = clone_source(op.source, op.recursive);
        if (!tree) return std::unexpected(tree.error());
        op.tree_fd = tree->get();
        trees.push_back(std::move(*tree));
      }
      return map_tree_ids(op, op.tree_fd, *userns);
    }();
    if (!mapped)
      return std::unexpected(
          Error{mapped.error().code, describe(op) + ": " + mapped.error().message});
  }
  return trees;
}

Result<> apply_mount(const MountOp& op, int root_fd, bool create) {
  Result<> r;
  switch (op.kind) {
    case MountKind::Bind:
      r = apply_bind(op, root_fd, create);
      break;
    case MountKind::Filesystem:
      r = apply_filesystem(op, root_fd, create);
      break;
    case MountKind::Cgroup:
      r = apply_cgroup(op, root_fd, create);
      break;
  }
  if (!r) return std::unexpected(Error{r.error().code, describe(op) + ": " + r.error().message});
  return {};
}

Result<> remount_readonly(const std::vector<MountOp>& ops, int root_fd) {
  for (const auto& op : ops) {
    if (!op.readonly_later) continue;
    auto mounted = open_in_root(root_fd, op.destination);
    auto r = mounted ? set_attrs(mounted->get(), MOUNT_ATTR_RDONLY, 0, false)
                     : Result<>(std::unexpected(mounted.error()));
    if (!r)
      return std::unexpected(
          Error{r.error().code, describe(op) + ": make it read-only: " + r.error().message});
  }
  return {};
}

Result<> enter_rootfs(const std::string& rootfs, bool no_pivot) {
  MCRUN_CHECK(sys::chdir(rootfs));
  if (no_pivot) {
    MCRUN_CHECK(sys::mount(rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr));
    MCRUN_CHECK(sys::chroot("."));
    return sys::chdir("/");
  }
  // pivot_root(".", ".") stacks the old root on top of the new one at "/";
  // it is then made a slave (so the lazy unmount cannot propagate to the host)
  // and detached. No directory for the old root is needed inside the rootfs.
  // After pivot_root the working directory is still the new root, so "."
  // names the new root, not the old one stacked on it: the slave step must
  // be taken from an fd of the old root, or it makes the container's own
  // tree a slave and its "rshared" mounts stop propagating back to the host.
  auto old_root = sys::open_path("/", O_PATH | O_DIRECTORY);
  if (!old_root) return std::unexpected(old_root.error());
  MCRUN_CHECK(sys::pivot_root(".", "."));
  MCRUN_CHECK(sys::fchdir(old_root->get()));
  MCRUN_CHECK(sys::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr));
  MCRUN_CHECK(sys::umount(".", MNT_DETACH));
  return sys::chdir("/");
}

// A masked or read-only path, after the pivot: symlinks are followed as
// runc's mount(2) follows them (the root is the container's now, so they
// resolve inside it), magic links not (they could name a runtime fd).
Result<UniqueFd> open_path_in_container(const std::string& p) {
  return sys::openat2(AT_FDCWD, p.c_str(), O_PATH, 0, RESOLVE_NO_MAGICLINKS);
}

// The container's /dev/null, the source of every masked file's bind: opened
// once and checked to be the null device. Otherwise a symlink planted there
// (an image's, or a container's sharing this /dev) to, say,
// /proc/sys/kernel/core_pattern would bind that writable procfs file over
// the masked path instead of hiding it (runc's CVE-2025-31133). Symlinks
// are followed, as runc does: they resolve inside the root, and only the
// inode reached counts. Each bind is cloned from this fd, never looked up
// again, so a swap after the check changes nothing.
Result<UniqueFd> open_null_device() {
  auto null = sys::open_path("/dev/null", O_PATH);
  if (!null)
    return std::unexpected(std::move(null.error()).context("mask: the container's /dev/null"));
  auto st = sys::stat_at(null->get(), "", AT_EMPTY_PATH);
  if (!st) return std::unexpected(st.error());
  if (!S_ISCHR(st->st_mode) || st->st_rdev != makedev(1, 3))
    return fail("mask: the container's /dev/null is not the null device (character device 1:3)",
                EPERM);
  return null;
}

// What covers every masked directory: one empty read-only tmpfs, made
// detached (fsmount) and cloned onto each. No path names it, so nothing
// racing in the container's mounts can swap the target between a lookup and
// the mount; and a container has one such superblock, not one per masked
// directory (each superblock adds to what the kernel walks when any memory
// cgroup on the machine goes away: memcg_reparent_list_lrus).
Result<UniqueFd> empty_readonly_tmpfs() {
  return sys::fsmount_new(
      "tmpfs", {{"source", "tmpfs"}, {"size", "0"}},
      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

// The sources of the masks, made on first use, and the covering itself.
struct MaskSources {
  UniqueFd null, tmpfs;

  Result<> cover(int target, mode_t mode) {
    if (S_ISDIR(mode) && !tmpfs) {
      auto made = empty_readonly_tmpfs();
      if (!made) return std::unexpected(made.error());
      tmpfs = std::move(*made);
      // The detached mount itself goes onto the first directory; the others
      // get clones of it, now a mount of this namespace (kernels before 6.15
      // refuse to clone a detached one: EINVAL).
      return sys::move_mount(tmpfs.get(), target);
    }
    if (!S_ISDIR(mode) && !null) {
      auto opened = open_null_device();
      if (!opened) return std::unexpected(opened.error());
      null = std::move(*opened);
    }
    auto tree = sys::open_tree(S_ISDIR(mode) ? tmpfs.get() : null.get(), "",
                               OPEN_TREE_CLONE | AT_EMPTY_PATH);
    if (!tree) return std::unexpected(tree.error());
    return sys::move_mount(tree->get(), target);
  }
};

Result<> mask_paths(const std::vector<std::string>& paths) {
  MaskSources sources;
  for (const auto& p : paths) {
    auto target = open_path_in_container(p);
    if (!target) {
      if (target.error().code == ENOENT) continue;
      return std::unexpected(std::move(target.error()).context("mask"));
    }
    auto st = sys::stat_at(target->get(), "", AT_EMPTY_PATH);
    if (!st) return std::unexpected(std::move(st.error()).context("mask"));
    MCRUN_CHECK_CTX(sources.cover(target->get(), st->st_mode), "mask " + quote(p));
  }
  return {};
}

Result<> readonly_paths(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    auto target = open_path_in_container(p);
    if (!target) {
      if (target.error().code == ENOENT) continue;
      return std::unexpected(std::move(target.error()).context("read-only path"));
    }
    // Bound onto itself from the one fd: no second lookup that could differ.
    auto tree = sys::open_tree(target->get(), "", OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH);
    if (!tree)
      return std::unexpected(std::move(tree.error()).context("read-only path " + quote(p)));
    MCRUN_CHECK_CTX(
        attach_tree(tree->get(), target->get(),
                    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0,
                    0, false),
        "read-only path " + quote(p));
  }
  return {};
}

Result<> make_root_readonly() {
  auto root = sys::open_path("/", O_PATH | O_DIRECTORY);
  if (!root) return std::unexpected(root.error());
  return set_attrs(root->get(), MOUNT_ATTR_RDONLY, 0, false);
}

Result<> set_root_propagation(unsigned long propagation) {
  return sys::mount(nullptr, "/", nullptr, propagation, nullptr);
}

}  // namespace mcrun::runtime
