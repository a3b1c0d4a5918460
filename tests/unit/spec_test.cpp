// config.json and state.json: parse -> emit -> parse round trips, and
// preservation of properties mcrun does not know.
#include <gtest/gtest.h>

#include <functional>

#include "spec/config.hpp"
#include "spec/json.hpp"
#include "spec/state.hpp"
#include "test_util.hpp"

using namespace mcrun;
using namespace mcrun::spec;

namespace {

Config load(const std::string& rel) {
  auto c = load_config_text(read_text(source_path(rel)));
  EXPECT_TRUE(c) << (c ? "" : c.error().what());
  return c ? *c : Config{};
}

class RoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(RoundTrip, ParseEmitParseIsIdentity) {
  Config first = load(GetParam());
  Json emitted = emit_config(first);
  Problems problems;
  Config second = parse_config(emitted, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(first, second);
  // And emitting again is byte-for-byte stable.
  EXPECT_EQ(emitted.dump(), emit_config(second).dump());
}

INSTANTIATE_TEST_SUITE_P(Bundles, RoundTrip,
                         ::testing::Values("bundles/spec/minimal/config.json",
                                           "bundles/spec/runc-default/config.json",
                                           "bundles/spec/maximal/config.json"));

TEST(Spec, MaximalKeepsEveryField) {
  Config c = load("bundles/spec/maximal/config.json");
  ASSERT_TRUE(c.process && c.linux && c.hooks && c.root);
  EXPECT_EQ(c.process->console_size, (ConsoleSize{25, 80}));
  EXPECT_EQ(c.process->user.umask, 18u);
  EXPECT_EQ(c.process->user.additional_gids, (std::vector<uint32_t>{5, 6}));
  EXPECT_EQ(c.process->rlimits.size(), 2u);
  EXPECT_EQ(c.process->oom_score_adj, 100);
  EXPECT_TRUE(c.root->readonly);
  EXPECT_EQ(c.domainname, "example.org");
  EXPECT_EQ(c.mounts.size(), 4u);
  EXPECT_EQ(c.hooks->of(HookPhase::CreateRuntime).at(0).timeout, 5);
  EXPECT_EQ(c.hooks->of(HookPhase::Poststop).size(), 1u);
  EXPECT_EQ(c.linux->namespaces.size(), 8u);
  EXPECT_EQ(c.linux->namespaces[1].path, "/var/run/netns/n1");
  EXPECT_EQ(c.linux->resources->memory->limit, 536870912);
  EXPECT_EQ(c.linux->resources->cpu->cpus, "0-1");
  EXPECT_EQ(c.linux->resources->pids->limit, 100);
  EXPECT_EQ(c.linux->resources->block_io->weight, 500);
  EXPECT_EQ(c.linux->resources->block_io->leaf_weight, 300);
  EXPECT_EQ(c.linux->resources->block_io->weight_devices.at(0),
            (BlockIoWeightDevice{8, 0, 500, std::nullopt}));
  EXPECT_EQ(c.linux->resources->hugepage_limits.at(0), (HugepageLimit{"2MB", 209715200}));
  EXPECT_EQ(c.linux->resources->network->class_id, 1048577u);
  EXPECT_EQ(c.linux->resources->network->priorities.at(0), (InterfacePriority{"eth0", 500}));
  EXPECT_EQ(c.linux->seccomp->syscalls.at(1).args.at(1).value_two, 8u);
  EXPECT_EQ(c.linux->devices.at(0).file_mode, 438u);
  EXPECT_EQ(c.linux->sysctl.at("net.ipv4.ip_forward"), "1");
  EXPECT_EQ(c.annotations.at("org.example/key"), "value");
  EXPECT_EQ(c.process->io_priority, (IoPriority{"IOPRIO_CLASS_IDLE", 4, {}}));
  EXPECT_EQ(c.process->scheduler->policy, "SCHED_OTHER");
  EXPECT_EQ(c.process->scheduler->nice, 5);
  EXPECT_EQ(c.process->exec_cpu_affinity, (ExecCpuAffinity{"7", "0-3,7", {}}));
  EXPECT_EQ(c.linux->memory_policy,
            (MemoryPolicy{"MPOL_INTERLEAVE", "0-3,7", {"MPOL_F_STATIC_NODES"}, {}}));
  EXPECT_EQ(c.linux->net_devices.at("eth1").name, "ctr0");
  EXPECT_EQ(c.linux->net_devices.at("eth2").name, std::nullopt);
  EXPECT_EQ(c.linux->time_offsets->boottime, (ClockOffset{3600, 5, {}}));
  EXPECT_EQ(c.linux->time_offsets->monotonic, (ClockOffset{-10, std::nullopt, {}}));
  EXPECT_EQ(c.mounts[3].uid_mappings, (std::vector<IdMapping>{{0, 100000, 65536, {}}}));
  EXPECT_EQ(c.mounts[3].gid_mappings, c.mounts[3].uid_mappings);
}

TEST(Spec, UnknownPropertiesArePreservedWhereTheyWere) {
  Config c = load("bundles/spec/maximal/config.json");
  Json j = emit_config(c);
  EXPECT_EQ(j["vendorExtension"]["kept"], true);
  EXPECT_EQ(j["process"]["user"]["username"], "kept-unknown");
  EXPECT_EQ(j["process"]["ioPriority"]["priority"], 4);
  EXPECT_EQ(j["mounts"][3]["uidMappings"][0]["hostID"], 100000);
  EXPECT_EQ(j["linux"]["intelRdt"]["closID"], "c1");
  EXPECT_EQ(j["linux"]["resources"]["blockIO"]["weightDevice"][0]["weight"], 500);
  EXPECT_EQ(j["linux"]["resources"]["hugepageLimits"][0]["pageSize"], "2MB");
}

// Every object of the model, at any depth, keeps what it does not know: an
// unknown member added to each object of the maximal config (the string maps
// aside: there every member is data; and timeOffsets, whose members are clocks,
// an unknown one refused) comes back from parse -> emit unchanged.
TEST(Spec, EveryObjectKeepsItsUnknownProperties) {
  Json doc = Json::parse(read_text(source_path("bundles/spec/maximal/config.json")));
  int marked = 0;
  std::function<void(Json&, const std::string&)> mark = [&](Json& j, const std::string& key) {
    if (j.is_array())
      for (auto& e : j) mark(e, key);
    if (!j.is_object() || key == "annotations" || key == "sysctl" || key == "unified") return;
    for (auto& [k, v] : j.items()) mark(v, k);
    if (key == "timeOffsets") return;
    j["xUnknown"] = {{"n", marked++}, {"list", {1, "two"}}};
  };
  mark(doc, "");
  ASSERT_GE(marked, 30);
  auto c = load_config_text(doc.dump());
  ASSERT_TRUE(c) << c.error().what();
  // Compared without regard to key order: emit puts known members first.
  EXPECT_EQ(nlohmann::json::parse(emit_config(*c).dump()), nlohmann::json::parse(doc.dump()));
}

TEST(Spec, DefaultConfigIsValidAndRoundTrips) {
  Config c = default_config();
  EXPECT_TRUE(validate_config(c).empty());
  auto again = load_config_text(emit_config(c).dump());
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_EQ(c, *again);
  EXPECT_EQ(c.oci_version, kOciVersion);
}

TEST(Spec, NullReadsAsAbsent) {
  auto c = load_config_text(
      R"({"ociVersion":"1.0.0","root":{"path":"/"},"hostname":null,"mounts":null})");
  ASSERT_TRUE(c) << c.error().what();
  EXPECT_FALSE(c->hostname);
  EXPECT_TRUE(c->mounts.empty());
}

TEST(State, RecordRoundTrips) {
  Record r;
  r.state.id = "c1";
  r.state.status = Status::Running;
  r.state.pid = 42;
  r.state.bundle = "/b";
  r.state.rootfs = "/b/rootfs";
  r.state.created = "2026-01-01T00:00:00.000000000Z";
  r.state.owner = "root";
  // Keys named like the record's own ("config" under "mcrun" ends the light
  // parse) in places where they mean nothing.
  r.state.annotations = {{"a", "b"}, {"config", "x"}, {"mcrun", "y"}};
  r.init_start_time = 12345;
  r.own_pid_namespace = true;
  r.cgroup_path = "/mcrun/c1";
  r.systemd_unit = "mcrun-c1.scope";
  r.systemd_manager = "/run/user/1000/systemd/private";
  r.session_keyring = "_ses.c1.0123456789abcdef";
  r.config = default_config();
  r.config.annotations = {{"config", "z"}};
  auto back = parse_record(emit_record(r).dump());
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(r, *back);
  // What state and list read: everything but the config, which is skipped.
  auto light = parse_record(emit_record(r).dump(), /*with_config=*/false);
  ASSERT_TRUE(light) << light.error().what();
  Record expected = r;
  expected.config = Config{};
  EXPECT_EQ(expected, *light);
  // The light parse stops before the config: what follows it is never lexed.
  std::string text = emit_record(r).dump();
  auto at = text.find("\"config\":{");
  ASSERT_NE(at, std::string::npos);
  auto cut = parse_record(text.substr(0, at) + "\"config\":{ not JSON", /*with_config=*/false);
  ASSERT_TRUE(cut) << cut.error().what();
  EXPECT_EQ(expected, *cut);
  EXPECT_FALSE(parse_record(text.substr(0, at) + "\"config\":{ not JSON"));
  EXPECT_FALSE(parse_record(text.substr(0, at / 2), /*with_config=*/false));
}

TEST(State, ARecordWithoutAKeyringNameSaysSo) {
  // An mcrun before per-container keyrings wrote none; --no-new-keyring
  // writes "" (the caller's): exec must tell the two apart.
  Record r;
  r.state.id = "c1";
  r.config = default_config();
  auto none = parse_record(emit_record(r).dump());
  ASSERT_TRUE(none) << none.error().what();
  EXPECT_FALSE(none->session_keyring);
  r.session_keyring = "";
  auto callers = parse_record(emit_record(r).dump());
  ASSERT_TRUE(callers) << callers.error().what();
  EXPECT_EQ(callers->session_keyring, std::optional<std::string>(""));
}

TEST(State, PublicStateHasTheSpecFields) {
  State s;
  s.id = "c1";
  s.status = Status::Created;
  s.pid = 7;
  s.bundle = "/b";
  Json j = emit_state(s);
  EXPECT_EQ(j["ociVersion"], kOciVersion);
  EXPECT_EQ(j["id"], "c1");
  EXPECT_EQ(j["status"], "created");
  EXPECT_EQ(j["pid"], 7);
  EXPECT_EQ(j["bundle"], "/b");
  s.status = Status::Stopped;
  s.pid = 0;
  EXPECT_FALSE(emit_state(s).contains("pid"));
}

TEST(State, DamagedRecordsAreErrorsNotCrashes) {
  for (const char* text :
       {"", "{", "[]", "{\"id\":1}", "{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":\"bogus\"}",
        "\x01\x02", "{\"mcrun\":{}}"}) {
    auto r = parse_record(text);
    EXPECT_FALSE(r) << text;
    if (!r) {
      EXPECT_TRUE(r.error().message.starts_with("state.json")) << r.error().message;
    }
  }
}

}  // namespace
