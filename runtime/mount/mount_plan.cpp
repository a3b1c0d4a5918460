#include "runtime/mount/mount_plan.hpp"

#include <linux/mount.h>
#include <sys/mount.h>

#include <filesystem>
#include <map>

namespace mcrun::runtime {
namespace {

struct FlagOption {
  unsigned long set, clear;
  uint64_t attr_set, attr_clr;  // the mount_setattr equivalent
  // An "r" variant exists ("rnosuid"): the attrs, on every submount. Options
  // with no mount_setattr form have none; "rnorelatime" forces nothing.
  bool recursive = true;
};

// mount(8) flag options. atime options also clear the other atime modes;
// one that only clears a mode (atime, nostrictatime) is completed to the
// whole atime field in plan_mounts (mount_setattr wants it whole).
const std::map<std::string, FlagOption, std::less<>>& flag_options() {
  static const std::map<std::string, FlagOption, std::less<>> m = {
      {"ro", {MS_RDONLY, 0, MOUNT_ATTR_RDONLY, 0}},
      {"rw", {0, MS_RDONLY, 0, MOUNT_ATTR_RDONLY}},
      {"nosuid", {MS_NOSUID, 0, MOUNT_ATTR_NOSUID, 0}},
      {"suid", {0, MS_NOSUID, 0, MOUNT_ATTR_NOSUID}},
      {"nodev", {MS_NODEV, 0, MOUNT_ATTR_NODEV, 0}},
      {"dev", {0, MS_NODEV, 0, MOUNT_ATTR_NODEV}},
      {"noexec", {MS_NOEXEC, 0, MOUNT_ATTR_NOEXEC, 0}},
      {"exec", {0, MS_NOEXEC, 0, MOUNT_ATTR_NOEXEC}},
      {"sync", {MS_SYNCHRONOUS, 0, 0, 0, false}},
      {"async", {0, MS_SYNCHRONOUS, 0, 0, false}},
      {"dirsync", {MS_DIRSYNC, 0, 0, 0, false}},
      {"mand", {MS_MANDLOCK, 0, 0, 0, false}},
      {"nomand", {0, MS_MANDLOCK, 0, 0, false}},
      {"noatime",
       {MS_NOATIME, MS_RELATIME | MS_STRICTATIME, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME}},
      {"atime", {0, MS_NOATIME, 0, MOUNT_ATTR_NOATIME}},
      {"nodiratime", {MS_NODIRATIME, 0, MOUNT_ATTR_NODIRATIME, 0}},
      {"diratime", {0, MS_NODIRATIME, 0, MOUNT_ATTR_NODIRATIME}},
      {"relatime",
       {MS_RELATIME, MS_NOATIME | MS_STRICTATIME, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME}},
      {"norelatime", {0, MS_RELATIME, 0, 0}},  // relatime is the default anyway
      {"strictatime",
       {MS_STRICTATIME, MS_NOATIME | MS_RELATIME, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME}},
      {"nostrictatime", {0, MS_STRICTATIME, 0, MOUNT_ATTR_STRICTATIME}},
      {"nosymfollow", {MS_NOSYMFOLLOW, 0, MOUNT_ATTR_NOSYMFOLLOW, 0}},
      {"symfollow", {0, MS_NOSYMFOLLOW, 0, MOUNT_ATTR_NOSYMFOLLOW}},
      {"silent", {MS_SILENT, 0, 0, 0, false}},
      {"loud", {0, MS_SILENT, 0, 0, false}},
      {"lazytime", {MS_LAZYTIME, 0, 0, 0, false}},
      {"nolazytime", {0, MS_LAZYTIME, 0, 0, false}},
      {"iversion", {MS_I_VERSION, 0, 0, 0, false}},
      {"noiversion", {0, MS_I_VERSION, 0, 0, false}},
  };
  return m;
}

const std::map<std::string, std::pair<unsigned long, bool>, std::less<>>& propagation_options() {
  static const std::map<std::string, std::pair<unsigned long, bool>, std::less<>> m = {
      {"private", {MS_PRIVATE, false}},       {"rprivate", {MS_PRIVATE, true}},
      {"shared", {MS_SHARED, false}},         {"rshared", {MS_SHARED, true}},
      {"slave", {MS_SLAVE, false}},           {"rslave", {MS_SLAVE, true}},
      {"unbindable", {MS_UNBINDABLE, false}}, {"runbindable", {MS_UNBINDABLE, true}},
  };
  return m;
}

}  // namespace

unsigned long propagation_flags(const std::string& mode) {
  auto it = propagation_options().find(mode);
  if (it == propagation_options().end()) return 0;
  return it->second.first | (it->second.second ? MS_REC : 0);
}

Result<MountOptions> parse_mount_options(const std::vector<std::string>& options) {
  MountOptions out;
  uint64_t attr_set = 0, attr_clr = 0;  // only used for the r* recursive variants
  for (const auto& o : options) {
    if (o == "bind") {
      out.bind = true;
      continue;
    }
    if (o == "rbind") {
      out.bind = out.rbind = true;
      continue;
    }
    if (o == "defaults" || o == "remount") continue;
    if (o == "tmpcopyup") {
      out.copy_up = true;
      continue;
    }
    if (o == "idmap" || o == "ridmap") {
      out.id_map = true;
      out.id_map_recursive = o == "ridmap";
      continue;
    }
    if (auto it = flag_options().find(o); it != flag_options().end()) {
      out.flags = (out.flags & ~it->second.clear) | it->second.set;
      out.clear = (out.clear & ~it->second.set) | it->second.clear;
      continue;
    }
    if (auto it = propagation_options().find(o); it != propagation_options().end()) {
      out.propagation = it->second.first;
      out.propagation_recursive = it->second.second;
      continue;
    }
    // "rro", "rnosuid", ...: the option applied to every submount (mount_setattr AT_RECURSIVE).
    if (o.size() > 1 && o[0] == 'r') {
      if (auto it = flag_options().find(std::string_view(o).substr(1));
          it != flag_options().end() && it->second.recursive) {
        attr_set = (attr_set & ~it->second.attr_clr) | it->second.attr_set;
        attr_clr = (attr_clr & ~it->second.attr_set) | it->second.attr_clr;
        continue;
      }
    }
    if (!out.data.empty()) out.data += ',';
    out.data += o;
  }
  out.rec_attr_set = attr_set;
  out.rec_attr_clr = attr_clr;
  return out;
}

namespace {
// The mount_setattr form of the MS_* flag options that were given.
void bind_attrs(const std::vector<std::string>& options, uint64_t& set, uint64_t& clr) {
  for (const auto& o : options) {
    auto it = flag_options().find(o);
    if (it == flag_options().end()) continue;
    set = (set & ~it->second.attr_clr) | it->second.attr_set;
    clr = (clr & ~it->second.attr_set) | it->second.attr_clr;
  }
}

// mount_setattr takes the atime mode as one field: an option that only
// clears a mode ("atime": not noatime) must clear the whole field, which
// leaves the mode attr_set names (relatime, 0, if none), as mount(2) does
// when no mode is given. A partial field is EINVAL.
void complete_atime(uint64_t& clr) {
  if (clr & MOUNT_ATTR__ATIME) clr |= MOUNT_ATTR__ATIME;
}
}  // namespace

std::vector<std::string> mount_option_names() {
  std::vector<std::string> names = {"bind",      "rbind", "defaults", "remount",
                                    "tmpcopyup", "idmap", "ridmap"};
  for (const auto& [name, option] : flag_options()) names.push_back(name);
  for (const auto& [name, option] : propagation_options()) names.push_back(name);
  for (const auto& [name, option] : flag_options())
    if (option.recursive) names.push_back("r" + name);
  return names;
}

namespace {
bool is_dev(const std::string& destination) {
  std::string d = std::filesystem::path(destination).lexically_normal().string();
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return d == "/dev";
}

// The mount's own mappings, else the container's user namespace's: its
// mappings, or (joined by path) none here and the namespace itself later.
void plan_id_map(MountOp& op, const MountOptions& opts, const spec::Mount& m,
                 const spec::Config& config) {
  if (!opts.id_map && m.uid_mappings.empty() && m.gid_mappings.empty()) return;
  op.id_mapped = true;
  op.id_map_recursive = opts.id_map_recursive;
  op.uid_map = m.uid_mappings;
  op.gid_map = m.gid_mappings;
  if (op.uid_map.empty() && op.gid_map.empty() && config.linux) {
    op.uid_map = config.linux->uid_mappings;
    op.gid_map = config.linux->gid_mappings;
  }
}
}  // namespace

Result<std::vector<MountOp>> plan_mounts(const spec::Config& config, const std::string& bundle) {
  std::vector<MountOp> ops;
  for (size_t i = 0; i < config.mounts.size(); ++i) {
    const spec::Mount& m = config.mounts[i];
    std::string where = "mount " + quote(m.destination);
    auto opts = parse_mount_options(m.options);
    if (!opts) return std::unexpected(std::move(opts.error()).context(where));
    MountOp op;
    op.index = i;
    op.destination = m.destination;
    op.fstype = m.type.value_or("");
    op.source = m.source.value_or("");
    op.propagation = opts->propagation;
    op.propagation_recursive = opts->propagation_recursive;
    if (op.fstype == "bind" || opts->bind) {
      op.kind = MountKind::Bind;
      op.recursive = opts->rbind;
      if (op.source.empty()) return fail(where + ": a bind mount needs a source");
      if (op.source[0] != '/') op.source = bundle + "/" + op.source;
      bind_attrs(m.options, op.attr_set, op.attr_clr);
      op.attr_set |= opts->rec_attr_set;
      op.attr_clr |= opts->rec_attr_clr;
      complete_atime(op.attr_clr);
      // Filesystem data ("mode=755", "size=1k") means nothing to a bind: the
      // kernel ignores it, so do runc and crun (runtime-tools' mounts test
      // sends it). Options that ask for what a bind cannot do stay errors.
      if (opts->copy_up) return fail(where + ": \"tmpcopyup\" applies to tmpfs mounts only");
      plan_id_map(op, *opts, m, config);
    } else if (op.fstype == "cgroup" || op.fstype == "cgroup2") {
      op.kind = MountKind::Cgroup;
      op.flags = opts->flags;
    } else if (opts->id_map || !m.uid_mappings.empty()) {
      return fail(where + ": an id-mapped mount must be a bind mount");
    } else {
      if (op.fstype.empty()) return fail(where + ": needs a type (or the \"bind\" option)");
      op.kind = MountKind::Filesystem;
      op.flags = opts->flags;
      op.data = opts->data;
      // linux.mountLabel: the SELinux context of the filesystems the container
      // mounts (as runc; proc and sysfs carry their own). create refused it
      // already where the host has no SELinux.
      const auto& label = config.linux ? config.linux->mount_label : std::nullopt;
      if (label && !label->empty() && op.fstype != "proc" && op.fstype != "sysfs")
        op.data += (op.data.empty() ? "" : ",") + std::string("context=\"") + *label + "\"";
      op.attr_set = opts->rec_attr_set;
      op.attr_clr = opts->rec_attr_clr;
      complete_atime(op.attr_clr);
      if (opts->copy_up && op.fstype != "tmpfs")
        return fail(where + ": \"tmpcopyup\" applies to tmpfs mounts only");
      op.copy_up = opts->copy_up;
      // As runc and crun: what goes below a read-only tmpfs or /dev (device
      // nodes, /dev/pts, a bind's mount point, tmpcopyup's copy) is made
      // while it is writable; it turns read-only at the end.
      if ((op.flags & MS_RDONLY) && (op.fstype == "tmpfs" || is_dev(op.destination))) {
        op.flags &= ~MS_RDONLY;
        op.readonly_later = true;
      }
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

}  // namespace mcrun::runtime
