// Mount options and plans: pure, so every interpretation is pinned here.
#include "runtime/mount/mount_plan.hpp"

#include <gtest/gtest.h>
#include <linux/mount.h>
#include <sys/mount.h>

using namespace mcrun;
using namespace mcrun::runtime;

namespace {

spec::Config with_mounts(std::vector<spec::Mount> mounts) {
  spec::Config c = spec::default_config();
  c.mounts = std::move(mounts);
  return c;
}

TEST(MountOptions, FlagsSetAndClear) {
  auto o = parse_mount_options({"nosuid", "nodev", "ro", "rw", "noexec", "strictatime"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->flags,
            static_cast<unsigned long>(MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_STRICTATIME));
  EXPECT_TRUE(o->clear & MS_RDONLY);  // "rw" after "ro" wins
  EXPECT_TRUE(o->data.empty());
}

TEST(MountOptions, UnknownOptionsBecomeData) {
  auto o = parse_mount_options({"mode=755", "nosuid", "size=65536k"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->data, "mode=755,size=65536k");
  EXPECT_EQ(o->flags, static_cast<unsigned long>(MS_NOSUID));
}

TEST(MountOptions, Propagation) {
  auto o = parse_mount_options({"rbind", "rprivate"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->rbind && o->bind);
  EXPECT_EQ(o->propagation, static_cast<unsigned long>(MS_PRIVATE));
  EXPECT_TRUE(o->propagation_recursive);
  EXPECT_EQ(propagation_flags("rslave"), static_cast<unsigned long>(MS_SLAVE | MS_REC));
  EXPECT_EQ(propagation_flags("shared"), static_cast<unsigned long>(MS_SHARED));
}

TEST(MountOptions, RecursiveAttributeVariants) {
  auto o = parse_mount_options({"rro", "rnosuid"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->rec_attr_set, static_cast<uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID));
  EXPECT_TRUE(o->data.empty());
}

TEST(MountOptions, EveryOptionFeaturesListsIsInterpretedNotPassedAsData) {
  // `mcrun features` lists mount_option_names(): each must mean something
  // here. "nosymfollow" used to go to the filesystem as data (EINVAL from a
  // tmpfs) or be dropped from a bind without a word; "rnorelatime" too.
  for (const auto& name : mount_option_names()) {
    auto o = parse_mount_options({name});
    ASSERT_TRUE(o) << name;
    EXPECT_TRUE(o->data.empty()) << name << " became data";
  }
}

TEST(MountOptions, NosymfollowIsAFlagAndAnAttribute) {
  auto o = parse_mount_options({"nosymfollow", "rnosymfollow"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->flags, static_cast<unsigned long>(MS_NOSYMFOLLOW));
  EXPECT_EQ(o->rec_attr_set, static_cast<uint64_t>(MOUNT_ATTR_NOSYMFOLLOW));
  auto plan = plan_mounts(with_mounts({{"/m", "bind", "/srv", {"bind", "nosymfollow"}}}), "/b");
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->back().attr_set, static_cast<uint64_t>(MOUNT_ATTR_NOSYMFOLLOW));
}

TEST(MountPlan, AnOptionThatOnlyClearsAnAtimeModeClearsTheWholeField) {
  // mount_setattr refuses part of the atime field in attr_clr (EINVAL): a
  // bind with "atime" failed so. It leaves the mode asked for, else relatime.
  auto attrs = [](std::vector<std::string> options) {
    auto plan = plan_mounts(with_mounts({{"/m", "bind", "/srv", std::move(options)}}), "/b");
    EXPECT_TRUE(plan);
    return std::pair{plan->back().attr_set, plan->back().attr_clr};
  };
  const uint64_t atime = MOUNT_ATTR__ATIME;
  EXPECT_EQ(attrs({"bind", "atime"}), std::pair(uint64_t{MOUNT_ATTR_RELATIME}, atime));
  EXPECT_EQ(attrs({"bind", "ratime"}), std::pair(uint64_t{MOUNT_ATTR_RELATIME}, atime));
  EXPECT_EQ(attrs({"bind", "nostrictatime"}), std::pair(uint64_t{MOUNT_ATTR_RELATIME}, atime));
  EXPECT_EQ(attrs({"bind", "strictatime", "atime"}),
            std::pair(uint64_t{MOUNT_ATTR_STRICTATIME}, atime));
  EXPECT_EQ(attrs({"bind", "noatime", "nostrictatime"}),
            std::pair(uint64_t{MOUNT_ATTR_NOATIME}, atime));
  EXPECT_EQ(attrs({"bind", "rnorelatime"}), std::pair(uint64_t{0}, uint64_t{0}));
}

TEST(MountPlan, IdMappedBindsTakeTheirOwnMappingsOrTheContainers) {
  spec::Mount own{"/a", "bind", "/srv/a", {"bind", "idmap"}};
  own.uid_mappings = {{0, 1000, 10}};
  own.gid_mappings = {{0, 2000, 10}};
  spec::Mount alone{"/b", "bind", "/srv/b", {"rbind"}};  // mappings alone ask for it (as runc)
  alone.uid_mappings = own.uid_mappings;
  alone.gid_mappings = own.gid_mappings;
  spec::Config c = with_mounts({own,
                                alone,
                                {"/c", "bind", "/srv/c", {"rbind", "ridmap"}},
                                {"/d", "bind", "/srv/d", {"bind"}}});
  c.linux->uid_mappings = {{0, 100000, 65536}};
  c.linux->gid_mappings = {{0, 200000, 65536}};
  auto plan = plan_mounts(c, "/bundle");
  ASSERT_TRUE(plan) << plan.error().what();
  const auto& ops = *plan;
  EXPECT_TRUE(ops[0].id_mapped && !ops[0].id_map_recursive);
  EXPECT_EQ(ops[0].uid_map, own.uid_mappings);
  EXPECT_EQ(ops[0].gid_map, own.gid_mappings);
  EXPECT_TRUE(ops[1].id_mapped && !ops[1].id_map_recursive);
  EXPECT_TRUE(ops[2].id_mapped && ops[2].id_map_recursive);
  EXPECT_EQ(ops[2].uid_map, c.linux->uid_mappings);
  EXPECT_EQ(ops[2].gid_map, c.linux->gid_mappings);
  EXPECT_FALSE(ops[3].id_mapped);
  // Never data for the filesystem, never on anything but a bind.
  EXPECT_TRUE(ops[0].data.empty());
  EXPECT_FALSE(plan_mounts(with_mounts({{"/t", "tmpfs", "tmpfs", {"idmap"}}}), "/bundle"));
}

TEST(MountPlan, AReadOnlyTmpfsOrDevTurnsReadOnlyLast) {
  auto plan = plan_mounts(with_mounts({{"/dev/", "tmpfs", "tmpfs", {"ro", "nosuid"}},
                                       {"/run", "tmpfs", "tmpfs", {"ro"}},
                                       {"/sys", "sysfs", "sysfs", {"ro"}},
                                       {"/tmp", "tmpfs", "tmpfs", {"rw"}}}),
                          "/bundle");
  ASSERT_TRUE(plan) << plan.error().what();
  const auto& ops = *plan;
  for (int i : {0, 1}) {
    EXPECT_TRUE(ops[i].readonly_later) << i;
    EXPECT_FALSE(ops[i].flags & MS_RDONLY) << i;
  }
  EXPECT_TRUE(ops[0].flags & MS_NOSUID);
  EXPECT_FALSE(ops[2].readonly_later);  // nothing is made below a sysfs
  EXPECT_TRUE(ops[2].flags & MS_RDONLY);
  EXPECT_FALSE(ops[3].readonly_later);
}

TEST(MountPlan, BindReadOnlyIsAnAttributeOfTheWholeTree) {
  auto plan = plan_mounts(with_mounts({{"/data", "bind", "/srv/data", {"rbind", "ro", "nosuid"}}}),
                          "/bundle");
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->size(), 1u);
  const MountOp& op = plan->front();
  EXPECT_EQ(op.kind, MountKind::Bind);
  EXPECT_TRUE(op.recursive);
  EXPECT_EQ(op.attr_set, static_cast<uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID));
  EXPECT_EQ(op.source, "/srv/data");
}

TEST(MountPlan, BindTypeWithoutOptionIsNotRecursive) {
  auto plan = plan_mounts(with_mounts({{"/data", "bind", "/srv/data", {}}}), "/bundle");
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->front().kind, MountKind::Bind);
  EXPECT_FALSE(plan->front().recursive);
}

TEST(MountPlan, RelativeBindSourceIsInTheBundle) {
  auto plan = plan_mounts(with_mounts({{"/data", std::nullopt, "data", {"bind"}}}), "/bundle");
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->front().source, "/bundle/data");
}

TEST(MountPlan, FilesystemsKeepFlagsAndData) {
  auto plan = plan_mounts(with_mounts({{"/dev", "tmpfs", "tmpfs", {"nosuid", "mode=755"}},
                                       {"/sys/fs/cgroup", "cgroup", "cgroup", {"ro"}}}),
                          "/b");
  ASSERT_TRUE(plan);
  EXPECT_EQ((*plan)[0].kind, MountKind::Filesystem);
  EXPECT_EQ((*plan)[0].fstype, "tmpfs");
  EXPECT_EQ((*plan)[0].flags, static_cast<unsigned long>(MS_NOSUID));
  EXPECT_EQ((*plan)[0].data, "mode=755");
  EXPECT_EQ((*plan)[1].kind, MountKind::Cgroup);
  EXPECT_EQ((*plan)[1].index, 1u);
}

TEST(MountPlan, TmpCopyUpIsATmpfsExtensionNotData) {
  auto plan =
      plan_mounts(with_mounts({{"/tmp", "tmpfs", "tmpfs", {"rw", "tmpcopyup", "size=64k"}}}), "/b");
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->front().copy_up);
  EXPECT_EQ(plan->front().data, "size=64k");
  auto on_proc = plan_mounts(with_mounts({{"/proc", "proc", "proc", {"tmpcopyup"}}}), "/b");
  ASSERT_FALSE(on_proc);
  EXPECT_EQ(on_proc.error().message, "mount \"/proc\": \"tmpcopyup\" applies to tmpfs mounts only");
  auto on_bind =
      plan_mounts(with_mounts({{"/d", std::nullopt, "/x", {"bind", "tmpcopyup"}}}), "/b");
  ASSERT_FALSE(on_bind);
  EXPECT_EQ(on_bind.error().message, "mount \"/d\": \"tmpcopyup\" applies to tmpfs mounts only");
}

TEST(MountPlan, Errors) {
  auto no_source = plan_mounts(with_mounts({{"/data", "bind", std::nullopt, {"rbind"}}}), "/b");
  ASSERT_FALSE(no_source);
  EXPECT_EQ(no_source.error().message, "mount \"/data\": a bind mount needs a source");
  auto no_type = plan_mounts(with_mounts({{"/x", std::nullopt, "x", {}}}), "/b");
  ASSERT_FALSE(no_type);
  EXPECT_EQ(no_type.error().message, "mount \"/x\": needs a type (or the \"bind\" option)");
}

TEST(MountPlan, FilesystemDataOnABindIsIgnoredAsRuncAndCrunDo) {
  auto bind =
      plan_mounts(with_mounts({{"/x", "bind", "/y", {"bind", "mode=755", "size=1k", "ro"}}}), "/b");
  ASSERT_TRUE(bind) << bind.error().what();
  EXPECT_EQ((*bind)[0].kind, MountKind::Bind);
  EXPECT_EQ((*bind)[0].data, "");
  EXPECT_EQ((*bind)[0].attr_set & MOUNT_ATTR_RDONLY, MOUNT_ATTR_RDONLY);
}

}  // namespace
