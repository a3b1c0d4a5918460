// Every validation message, exactly: "config.json: <pointer>: <sentence>".
#include <gtest/gtest.h>

#include <functional>

#include "spec/config.hpp"
#include "spec/create_rules.hpp"
#include "spec/json.hpp"
#include "spec/names.hpp"
#include "spec/state.hpp"

using namespace mcrun;
using namespace mcrun::spec;

namespace {

Json base() {
  return Json::parse(R"({
    "ociVersion": "1.3.0",
    "root": {"path": "rootfs"},
    "process": {"user": {"uid": 0, "gid": 0}, "args": ["sh"], "cwd": "/"},
    "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
    "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}]}
  })");
}

struct Case {
  const char* name;
  std::function<void(Json&)> mutate;
  std::string expected;  // the whole error text
};

class Validation : public ::testing::TestWithParam<Case> {};

TEST_P(Validation, ReportsExactly) {
  Json j = base();
  GetParam().mutate(j);
  auto c = load_config_text(j.dump());
  ASSERT_FALSE(c) << "accepted: " << j.dump();
  EXPECT_EQ(c.error().message, GetParam().expected);
}

const Case kCases[] = {
    {"disk_watch_annotations",
     [](Json& j) {
       j["annotations"] = {{"mcrun.disk.path", "sandbox"},
                           {"mcrun.disk.limit", "1MB"},
                           {"mcrun.disk.interval", "0"}};
     },
     "config.json: /annotations/mcrun.disk.interval: must be seconds between 0.001 and 86400\n"
     "config.json: /annotations/mcrun.disk.limit: must be a number of bytes\n"
     "config.json: /annotations/mcrun.disk.path: must be an absolute path"},
    {"disk_watch_enforced_without_limit_or_path",
     [](Json& j) {
       j["annotations"] = {{"mcrun.disk.enforce", "true"}};
     },
     "config.json: /annotations/mcrun.disk.path: is required with the other mcrun.disk.* "
     "annotations (the directory whose usage is watched)"},
    {"relative_mount_destination", [](Json& j) { j["mounts"][0]["destination"] = "proc"; },
     "config.json: /mounts/0/destination: must be an absolute path"},
    {"third_mount",
     [](Json& j) {
       j["mounts"].push_back({{"destination", "/a"}, {"type", "tmpfs"}});
       j["mounts"].push_back({{"destination", "data"}, {"type", "bind"}, {"source", "/x"}});
     },
     "config.json: /mounts/2/destination: must be an absolute path"},
    {"tmpfs_on_proc", [](Json& j) { j["mounts"][0]["type"] = "tmpfs"; },
     "config.json: /mounts/0/destination: only a procfs may be mounted on /proc (type proc, or a "
     "bind of a procfs)"},
    {"mounts_inside_proc",
     [](Json& j) {
       j["mounts"].push_back({{"destination", "/proc/self/attr"}, {"type", "tmpfs"}});
       j["mounts"].push_back(
           {{"destination", "/proc/meminfo"}, {"type", "bind"}, {"source", "/var/lib/lxcfs/m"}});
       j["mounts"].push_back({{"destination", "/x/../proc//sys/kernel/core_pattern"},
                              {"source", "/tmp/f"},
                              {"options", {"rbind"}}});
       j["mounts"].push_back({{"destination", "/proc/../etc"}, {"type", "tmpfs"}});
     },
     "config.json: /mounts/1/destination: \"/proc/self/attr\" is inside /proc, where only the "
     "files lxcfs emulates may be mounted\n"
     "config.json: /mounts/3/destination: \"/proc/sys/kernel/core_pattern\" is inside /proc, "
     "where only the files lxcfs emulates may be mounted"},
    {"hugepage_size_with_a_path",
     [](Json& j) {
       j["linux"]["resources"]["hugepageLimits"] =
           Json::parse(R"([{"pageSize":"../../x","limit":1}])");
     },
     "config.json: /linux/resources/hugepageLimits/0/pageSize: must be a size like \"2MB\" or "
     "\"1GB\", not \"../../x\""},
    {"cpus_not_a_list",
     [](Json& j) {
       j["linux"]["resources"]["cpu"] = {{"cpus", "0-3,x"}};
     },
     "config.json: /linux/resources/cpu/cpus: must be a list like \"0-3,6\", not \"0-3,x\""},
    {"mems_past_the_largest",
     [](Json& j) {
       j["linux"]["resources"]["cpu"] = {{"mems", "0-99999"}};
     },
     "config.json: /linux/resources/cpu/mems: must be a list like \"0-3,6\", not \"0-99999\""},
    {"unified_key_with_a_path",
     [](Json& j) {
       j["linux"]["resources"]["unified"] = {{"../cgroup.procs", "1"}};
     },
     "config.json: /linux/resources/unified/..~1cgroup.procs: must name a cgroup file like "
     "\"memory.high\", not "
     "\"../cgroup.procs\""},
    {"rate_without_major",
     [](Json& j) {
       j["linux"]["resources"]["blockIO"] =
           Json::parse(R"({"throttleReadBpsDevice":[{"minor":0,"rate":1}]})");
     },
     "config.json: /linux/resources/blockIO/throttleReadBpsDevice/0/major: is required"},
    {"duplicate_namespace",
     [](Json& j) {
       j["linux"]["namespaces"].push_back({{"type", "pid"}});
     },
     "config.json: /linux/namespaces/2: duplicate namespace \"pid\""},
    {"unknown_namespace", [](Json& j) { j["linux"]["namespaces"][0]["type"] = "pidd"; },
     "config.json: /linux/namespaces/0/type: unknown namespace \"pidd\" (known: pid, network, "
     "mount, ipc, uts, user, cgroup, time)"},
    {"relative_namespace_path",
     [](Json& j) { j["linux"]["namespaces"][0]["path"] = "proc/1/ns/pid"; },
     "config.json: /linux/namespaces/0/path: must be an absolute path"},
    {"scheduler_unknown_policy_and_flag",
     [](Json& j) {
       // An unknown policy alone is named: not also its priority as a fair policy's.
       j["process"]["scheduler"] = {
           {"policy", "SCHED_FAST"}, {"priority", 5}, {"flags", {"SCHED_FLAG_X"}}};
     },
     "config.json: /process/scheduler/flags/0: unknown flag \"SCHED_FLAG_X\" (known: "
     "SCHED_FLAG_RESET_ON_FORK, SCHED_FLAG_RECLAIM, SCHED_FLAG_DL_OVERRUN, "
     "SCHED_FLAG_KEEP_POLICY, SCHED_FLAG_KEEP_PARAMS, SCHED_FLAG_UTIL_CLAMP_MIN, "
     "SCHED_FLAG_UTIL_CLAMP_MAX)\n"
     "config.json: /process/scheduler/policy: unknown policy \"SCHED_FAST\" (known: "
     "SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE)"},
    {"scheduler_priorities_and_nice",
     [](Json& j) {
       j["process"]["scheduler"] = {{"policy", "SCHED_FIFO"}, {"nice", 20}};
     },
     "config.json: /process/scheduler/nice: must be between -20 and 19\n"
     "config.json: /process/scheduler/priority: must be between 1 and 99 for SCHED_FIFO"},
    {"scheduler_static_priority_of_a_fair_policy",
     [](Json& j) {
       j["process"]["scheduler"] = {{"policy", "SCHED_OTHER"}, {"priority", 3}};
     },
     "config.json: /process/scheduler/priority: must be 0: only SCHED_FIFO and SCHED_RR have a "
     "static priority"},
    {"scheduler_deadline_without_its_times",
     [](Json& j) {
       j["process"]["scheduler"] = {{"policy", "SCHED_DEADLINE"}, {"runtime", 1}};
     },
     "config.json: /process/scheduler: SCHED_DEADLINE needs runtime and deadline (and takes "
     "period)"},
    {"io_priority_class_and_level",
     [](Json& j) {
       j["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_NONE"}, {"priority", 8}};
     },
     "config.json: /process/ioPriority/class: unknown class \"IOPRIO_CLASS_NONE\" (known: "
     "IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE)\n"
     "config.json: /process/ioPriority/priority: must be between 0 and 7"},
    {"personality_domain_and_flags",
     [](Json& j) {
       j["linux"]["personality"] = {{"domain", "LINUX64"}, {"flags", {"X"}}};
     },
     "config.json: /linux/personality/domain: must be LINUX or LINUX32, not \"LINUX64\"\n"
     "config.json: /linux/personality/flags: must be empty: the spec defines no flags"},
    {"time_offsets_without_a_time_namespace",
     [](Json& j) {
       j["linux"]["timeOffsets"] = {{"boottime", {{"secs", 1}}}};
     },
     "config.json: /linux/timeOffsets: needs a new time namespace (add {\"type\": \"time\"} to "
     "linux.namespaces)"},
    {"time_offsets_of_a_joined_time_namespace",
     [](Json& j) {
       j["linux"]["namespaces"].push_back({{"type", "time"}, {"path", "/proc/1/ns/time"}});
       j["linux"]["timeOffsets"] = {{"monotonic", {{"secs", 1}}}};
     },
     "config.json: /linux/timeOffsets: applies to a new time namespace, not to one joined by its "
     "path"},
    {"time_offsets_of_an_unknown_clock_and_too_many_nanosecs",
     [](Json& j) {
       j["linux"]["namespaces"].push_back({{"type", "time"}});
       j["linux"]["timeOffsets"] = {{"realtime", {{"secs", 1}}},
                                    {"boottime", {{"nanosecs", 1000000000}}}};
     },
     "config.json: /linux/timeOffsets/boottime/nanosecs: must be below 1000000000\n"
     "config.json: /linux/timeOffsets/realtime: is not a namespaced clock (known: boottime, "
     "monotonic)"},
    {"exec_cpu_affinity_that_is_no_cpu_list",
     [](Json& j) {
       j["process"]["execCPUAffinity"] = {{"initial", "0,x"}, {"final", ""}};
     },
     "config.json: /process/execCPUAffinity/initial: must be a list of CPUs such as \"0-3,7\", "
     "not \"0,x\""},
    {"memory_policy_unknown_mode_and_flag",
     [](Json& j) {
       j["linux"]["memoryPolicy"] = {{"mode", "MPOL_FAST"}, {"flags", {"MPOL_F_X"}}};
     },
     "config.json: /linux/memoryPolicy/flags/0: unknown flag \"MPOL_F_X\" (known: "
     "MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING)\n"
     "config.json: /linux/memoryPolicy/mode: unknown mode \"MPOL_FAST\" (known: MPOL_DEFAULT, "
     "MPOL_PREFERRED, MPOL_BIND, MPOL_INTERLEAVE, MPOL_LOCAL, MPOL_PREFERRED_MANY, "
     "MPOL_WEIGHTED_INTERLEAVE)"},
    {"memory_policy_nodes_and_flags_that_do_not_go_together",
     [](Json& j) {
       j["linux"]["memoryPolicy"] = {{"mode", "MPOL_BIND"},
                                     {"flags", {"MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"}}};
     },
     "config.json: /linux/memoryPolicy/flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES "
     "exclude each other\n"
     "config.json: /linux/memoryPolicy/nodes: MPOL_BIND needs at least one node"},
    {"memory_policy_nodes_for_the_local_mode",
     [](Json& j) {
       j["linux"]["memoryPolicy"] = {{"mode", "MPOL_LOCAL"}, {"nodes", "0"}};
     },
     "config.json: /linux/memoryPolicy/nodes: must be empty for MPOL_LOCAL"},
    {"net_devices_without_a_network_namespace",
     [](Json& j) {
       j["linux"]["namespaces"] = Json::array();
       j["linux"]["netDevices"] = {{"eth0", Json::object()}};
     },
     "config.json: /linux/netDevices: needs a network namespace of the container's (add "
     "{\"type\": \"network\"})"},
    {"net_devices_with_bad_names",
     [](Json& j) {
       j["linux"]["namespaces"].push_back({{"type", "network"}});
       j["linux"]["netDevices"] = {{"eth/0", Json::object()},
                                   {"eth1", {{"name", "a-name-of-16-byte"}}},
                                   {"eth2", {{"name", "net0"}}},
                                   {"eth3", {{"name", "net0"}}}};
     },
     "config.json: /linux/netDevices/eth1/name: is not a network device name (1 to 15 bytes, no "
     "'/', ':' or blank)\n"
     "config.json: /linux/netDevices/eth3/name: \"net0\" is given to two devices\n"
     "config.json: /linux/netDevices/eth~10: is not a network device name (1 to 15 bytes, no '/', "
     "':' or blank)"},
    {"pids_limit_below_minus_one", [](Json& j) { j["linux"]["resources"]["pids"]["limit"] = -2; },
     "config.json: /linux/resources/pids/limit: must be -1 (no limit) or a number of tasks from "
     "0"},
    {"duplicate_rlimit",
     [](Json& j) {
       j["process"]["rlimits"] = Json::parse(
           R"([{"type":"RLIMIT_CORE","soft":0,"hard":0},{"type":"RLIMIT_NOFILE","soft":1,"hard":2},{"type":"RLIMIT_NOFILE","soft":1,"hard":2}])");
     },
     "config.json: /process/rlimits/2: duplicate rlimit RLIMIT_NOFILE"},
    {"unknown_rlimit",
     [](Json& j) {
       j["process"]["rlimits"] = Json::parse(R"([{"type":"RLIMIT_FOO","soft":0,"hard":0}])");
     },
     "config.json: /process/rlimits/0/type: unknown rlimit \"RLIMIT_FOO\" (known: RLIMIT_AS, "
     "RLIMIT_CORE, RLIMIT_CPU, "
     "RLIMIT_DATA, RLIMIT_FSIZE, RLIMIT_LOCKS, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, "
     "RLIMIT_NOFILE, "
     "RLIMIT_NPROC, RLIMIT_RSS, RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK)"},
    {"soft_above_hard",
     [](Json& j) {
       j["process"]["rlimits"] = Json::parse(R"([{"type":"RLIMIT_NOFILE","soft":10,"hard":5}])");
     },
     "config.json: /process/rlimits/0/soft: must not exceed hard (5)"},
    {"missing_oci_version", [](Json& j) { j.erase("ociVersion"); },
     "config.json: /ociVersion: is required"},
    {"bad_oci_version", [](Json& j) { j["ociVersion"] = "one"; },
     "config.json: /ociVersion: must be a SemVer 2.0.0 version like \"1.3.0\", not \"one\""},
    {"unsupported_major", [](Json& j) { j["ociVersion"] = "2.0.0"; },
     "config.json: /ociVersion: version 2.0.0 is not supported (mcrun implements 1.x)"},
    {"missing_root", [](Json& j) { j.erase("root"); }, "config.json: /root: is required"},
    {"missing_root_path", [](Json& j) { j["root"].erase("path"); },
     "config.json: /root/path: is required"},
    {"missing_cwd", [](Json& j) { j["process"].erase("cwd"); },
     "config.json: /process/cwd: is required"},
    {"relative_cwd", [](Json& j) { j["process"]["cwd"] = "work"; },
     "config.json: /process/cwd: must be an absolute path"},
    {"missing_user", [](Json& j) { j["process"].erase("user"); },
     "config.json: /process/user: is required"},
    {"missing_uid", [](Json& j) { j["process"]["user"].erase("uid"); },
     "config.json: /process/user/uid: is required"},
    {"no_args", [](Json& j) { j["process"]["args"] = Json::array(); },
     "config.json: /process/args: must have at least one entry (the program to run)"},
    {"bad_env",
     [](Json& j) {
       j["process"]["env"] = {"A=1", "NOVALUE"};
     },
     "config.json: /process/env/1: must have the form KEY=VALUE"},
    {"wrong_type_terminal", [](Json& j) { j["process"]["terminal"] = "yes"; },
     "config.json: /process/terminal: must be a boolean, not a string"},
    {"wrong_type_args", [](Json& j) { j["process"]["args"] = "sh"; },
     "config.json: /process/args: must be an array of strings, not a string"},
    {"wrong_type_arg",
     [](Json& j) {
       j["process"]["args"] = {"sh", 1};
     },
     "config.json: /process/args/1: must be a string, not an integer"},
    {"wrong_type_mounts", [](Json& j) { j["mounts"] = Json::object(); },
     "config.json: /mounts: must be an array, not an object"},
    {"wrong_type_linux", [](Json& j) { j["linux"] = 3; },
     "config.json: /linux: must be an object, not an integer"},
    {"uid_out_of_range", [](Json& j) { j["process"]["user"]["uid"] = 4294967296LL; },
     "config.json: /process/user/uid: must be an integer between 0 and 4294967295"},
    {"uid_negative", [](Json& j) { j["process"]["user"]["uid"] = -1; },
     "config.json: /process/user/uid: must be an integer between 0 and 4294967295"},
    {"uid_fraction", [](Json& j) { j["process"]["user"]["uid"] = 1.5; },
     "config.json: /process/user/uid: must be an integer between 0 and 4294967295"},
    {"oom_range", [](Json& j) { j["process"]["oomScoreAdj"] = 1001; },
     "config.json: /process/oomScoreAdj: must be between -1000 and 1000"},
    {"hostname_without_uts", [](Json& j) { j["hostname"] = "h"; },
     "config.json: /hostname: needs a private uts namespace (add {\"type\": \"uts\"} to "
     "/linux/namespaces)"},
    {"readonly_root_without_mount_ns",
     [](Json& j) {
       j["linux"]["namespaces"] = Json::parse(R"([{"type":"pid"}])");
       j["root"]["readonly"] = true;
       j["linux"]["maskedPaths"] = {"/proc/kcore"};
     },
     "config.json: /linux/namespaces: must include {\"type\": \"mount\"}: /root/readonly, "
     "/linux/maskedPaths need a "
     "mount namespace (without one they would change the host)"},
    {"relative_hook",
     [](Json& j) { j["hooks"]["poststop"] = Json::parse(R"([{"path":"cleanup"}])"); },
     "config.json: /hooks/poststop/0/path: must be an absolute path"},
    {"zero_hook_timeout",
     [](Json& j) { j["hooks"]["createRuntime"] = Json::parse(R"([{"path":"/x","timeout":0}])"); },
     "config.json: /hooks/createRuntime/0/timeout: must be greater than zero"},
    {"negative_hook_timeout",
     [](Json& j) { j["hooks"]["prestart"] = Json::parse(R"([{"path":"/x","timeout":-3}])"); },
     "config.json: /hooks/prestart/0/timeout: must be greater than zero"},
    {"mappings_without_userns",
     [](Json& j) {
       j["linux"]["uidMappings"] = Json::parse(R"([{"containerID":0,"hostID":1000,"size":1}])");
     },
     "config.json: /linux/uidMappings: needs a user namespace (add {\"type\": \"user\"} to "
     "/linux/namespaces)"},
    {"idmap_without_a_mapping",
     [](Json& j) {
       j["mounts"] = Json::parse(R"([{"destination":"/v","type":"bind","source":"/v",
                                      "options":["rbind","ridmap"]}])");
     },
     "config.json: /mounts/0/options/1: needs uidMappings and gidMappings, or a user namespace "
     "whose mapping it takes"},
    {"idmap_uids_without_gids",
     [](Json& j) {
       j["mounts"] = Json::parse(R"([{"destination":"/v","type":"bind","source":"/v",
         "options":["bind"],"uidMappings":[{"containerID":0,"hostID":1000,"size":1}]}])");
     },
     "config.json: /mounts/0/gidMappings: is required with uidMappings"},
    {"idmap_not_a_bind",
     [](Json& j) {
       j["linux"]["namespaces"].push_back({{"type", "user"}});
       j["mounts"] = Json::parse(R"([{"destination":"/t","type":"tmpfs","source":"t",
                                      "options":["idmap"]}])");
     },
     "config.json: /mounts/0/options/0: an id-mapped mount must be a bind mount (type \"bind\" "
     "or option \"rbind\")"},
    {"bad_device_type",
     [](Json& j) { j["linux"]["devices"] = Json::parse(R"([{"type":"x","path":"/dev/x"}])"); },
     "config.json: /linux/devices/0/type: must be one of c, b, u, p, not \"x\""},
    {"device_without_numbers",
     [](Json& j) { j["linux"]["devices"] = Json::parse(R"([{"type":"c","path":"/dev/x"}])"); },
     "config.json: /linux/devices/0: major and minor are required for a \"c\" device"},
    {"bad_propagation", [](Json& j) { j["linux"]["rootfsPropagation"] = "sideways"; },
     "config.json: /linux/rootfsPropagation: must be one of shared, slave, private, unbindable, "
     "rshared, rslave, "
     "rprivate, runbindable"},
    {"relative_masked", [](Json& j) { j["linux"]["maskedPaths"] = {"proc/kcore"}; },
     "config.json: /linux/maskedPaths/0: must be an absolute path"},
    {"bad_seccomp_action",
     [](Json& j) { j["linux"]["seccomp"] = Json::parse(R"({"defaultAction":"SCMP_ACT_MAYBE"})"); },
     "config.json: /linux/seccomp/defaultAction: unknown seccomp action \"SCMP_ACT_MAYBE\" (known: "
     "SCMP_ACT_KILL, "
     "SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, "
     "SCMP_ACT_ALLOW, "
     "SCMP_ACT_LOG, SCMP_ACT_NOTIFY)"},
    {"bad_seccomp_op",
     [](Json& j) {
       j["linux"]["seccomp"] = Json::parse(
           R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":7,"value":1,"op":"SCMP_CMP_SOMETIMES"}]}]})");
     },
     "config.json: /linux/seccomp/syscalls/0/args/0/index: must be between 0 and 5\n"
     "config.json: /linux/seccomp/syscalls/0/args/0/op: unknown operator \"SCMP_CMP_SOMETIMES\" "
     "(known: SCMP_CMP_NE, "
     "SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ)"},
    {"bad_seccomp_arch",
     [](Json& j) {
       j["linux"]["seccomp"] =
           Json::parse(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_Z80"]})");
     },
     "config.json: /linux/seccomp/architectures/0: unknown architecture \"SCMP_ARCH_Z80\""},
    {"sysctl_not_namespaced",
     [](Json& j) {
       j["linux"]["sysctl"] = {{"vm.swappiness", "10"}};
     },
     "config.json: /linux/sysctl/vm.swappiness: is not in a separate kernel namespace: setting it "
     "would change the host"},
    {"sysctl_needs_netns",
     [](Json& j) {
       j["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"}};
     },
     "config.json: /linux/sysctl/net.ipv4.ip_forward: needs a private network namespace (add "
     "{\"type\": \"network\"} "
     "to /linux/namespaces)"},
    {"sysctl_needs_ipc",
     [](Json& j) {
       j["linux"]["sysctl"] = {{"kernel.shmmax", "1"}, {"fs.mqueue.msg_max", "5"}};
     },
     "config.json: /linux/sysctl/fs.mqueue.msg_max: needs a private ipc namespace (add {\"type\": "
     "\"ipc\"} to "
     "/linux/namespaces)\n"
     "config.json: /linux/sysctl/kernel.shmmax: needs a private ipc namespace (add {\"type\": "
     "\"ipc\"} to "
     "/linux/namespaces)"},
    {"sysctl_hostname",
     [](Json& j) {
       j["linux"]["sysctl"] = {{"kernel.hostname", "x"}};
       j["linux"]["namespaces"].push_back({{"type", "uts"}});
     },
     "config.json: /linux/sysctl/kernel.hostname: is set with the \"hostname\" field, not as a "
     "sysctl"},
    {"annotation_not_string", [](Json& j) { j["annotations"] = Json::parse(R"({"a/b": 1})"); },
     "config.json: /annotations/a~1b: must be a string, not an integer"},
    {"not_an_object", [](Json& j) { j = Json::array(); },
     "config.json: /: must be an object, not an array"},
    {"all_problems_at_once",
     [](Json& j) {
       j["mounts"][0]["destination"] = "proc";
       j["process"]["cwd"] = "x";
       j["linux"]["namespaces"].push_back({{"type", "mount"}});
     },
     "config.json: /linux/namespaces/2: duplicate namespace \"mount\"\n"
     "config.json: /mounts/0/destination: must be an absolute path\n"
     "config.json: /process/cwd: must be an absolute path"},
    {"a_problem_at_mounts_1_hides_none_at_mounts_10",
     [](Json& j) {
       for (int i = 1; i <= 10; ++i)
         j["mounts"].push_back({{"destination", "/m" + std::to_string(i)}, {"type", "tmpfs"}});
       j["mounts"][1] = 5;
       j["mounts"][10]["destination"] = "relative";
       j["mounts"][2]["destination"] = "also-relative";
     },
     "config.json: /mounts/1: must be an object, not an integer\n"
     "config.json: /mounts/2/destination: must be an absolute path\n"
     "config.json: /mounts/10/destination: must be an absolute path"},
};

INSTANTIATE_TEST_SUITE_P(Messages, Validation, ::testing::ValuesIn(kCases),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(Validation, InvalidJsonNamesTheFile) {
  auto c = load_config_text("{\"ociVersion\": ", "config.json");
  ASSERT_FALSE(c);
  EXPECT_TRUE(c.error().message.starts_with("config.json: invalid JSON: ")) << c.error().message;
}

// nlohmann throws out_of_range, not parse_error, for a number no double can
// hold (found by fuzz_config): still an error value, for every JSON input.
TEST(Validation, NumbersOutOfRangeAreInvalidJsonNotACrash) {
  auto c = load_config_text(R"({"ociVersion": "1.3.0", "x": 1844674407E709551615})", "config.json");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message,
            "config.json: invalid JSON: number overflow parsing '1844674407E709551615'");
  auto s = parse_record(R"({"pid": 1e999})");
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().message.starts_with("state.json: invalid JSON: number overflow"))
      << s.error().message;
  auto p = load_process_text("[1e400]", "process.json");
  ASSERT_FALSE(p);
  EXPECT_TRUE(p.error().message.starts_with("process.json: invalid JSON: number overflow"))
      << p.error().message;
}

TEST(Validation, DeepNestingIsRefusedNotRecursedInto) {
  std::string deep(100000, '[');
  auto c = load_config_text(deep);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "config.json: nested deeper than 64 levels");
}

TEST(Validation, UnknownPropertiesAreNotErrors) {
  Json j = base();
  j["somethingNew"] = {{"x", 1}};
  j["process"]["futureField"] = true;
  EXPECT_TRUE(load_config_text(j.dump()));
}

}  // namespace

// The create-time rules that depend on the host: the facts come from the
// runtime, the rules and their pointers from spec/, all reported at once.
TEST(CreateRules, HostFactsDecideAndEveryProblemIsReportedTogether) {
  Json j = base();
  j["process"]["apparmorProfile"] = "p";
  j["process"]["selinuxLabel"] = "l";
  j["process"]["terminal"] = true;
  j["linux"]["mountLabel"] = "m";
  j["linux"]["namespaces"].push_back({{"type", "network"}, {"path", "/proc/1/ns/net"}});
  j["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"}};
  auto c = load_config_text(j.dump());
  ASSERT_TRUE(c) << c.error().what();
  CreateContext ctx;
  ctx.host = {.apparmor = [] { return false; },
              .selinux = [] { return false; },
              .is_runtime_namespace =
                  [](const std::string& type, const std::string& path) {
                    return type == "network" && path == "/proc/1/ns/net";
                  }};
  const std::string refuse =
      "is not enabled on this host: refusing to run the container unconfined";
  EXPECT_EQ(format_problems("config.json", validate_for_create(*c, ctx)),
            "config.json: /linux/mountLabel: SELinux " + refuse +
                "\nconfig.json: /linux/sysctl/net.ipv4.ip_forward: not allowed in the host's "
                "network namespace (\"/proc/1/ns/net\" is ours)"
                "\nconfig.json: /process/apparmorProfile: AppArmor " +
                refuse + "\nconfig.json: /process/selinuxLabel: SELinux " + refuse +
                "\nconfig.json: /process/terminal: is true, which needs --console-socket");
  ctx.console = true;
  ctx.host = HostFacts{};  // a host with both modules, and no namespace of its own named
  EXPECT_TRUE(validate_for_create(*c, ctx).empty());
}

// The LSM probes cost syscalls on every create and exec: asked only when a
// label is set.
TEST(CreateRules, TheHostIsAskedAboutAnLsmOnlyForALabel) {
  int asked = 0;
  CreateContext ctx;
  ctx.host = {.apparmor = [&] { return ++asked, true; }, .selinux = [&] { return ++asked, true; }};
  auto plain = load_config_text(base().dump());
  ASSERT_TRUE(plain) << plain.error().what();
  EXPECT_TRUE(validate_for_create(*plain, ctx).empty());
  EXPECT_TRUE(lsm_rules(*plain->process, ctx.host, "").empty());
  EXPECT_EQ(asked, 0);
  Json j = base();
  j["process"]["apparmorProfile"] = "p";
  auto labelled = load_config_text(j.dump());
  ASSERT_TRUE(labelled) << labelled.error().what();
  EXPECT_TRUE(validate_for_create(*labelled, ctx).empty());
  EXPECT_EQ(asked, 1);
}

TEST(CreateRules, MountsWithoutAMountNamespaceAreAWarning) {
  Json j = base();
  j["linux"]["namespaces"] = Json::array({{{"type", "pid"}}});
  auto c = load_config_text(j.dump());
  ASSERT_TRUE(c) << c.error().what();
  EXPECT_EQ(format_problems("config.json", warnings_for_create(*c)),
            "config.json: /mounts: 1 mount(s) not made: there is no mount namespace, and they "
            "would change the host's mount table");
}

TEST(CreateRules, CapabilitiesThatCannotBeGrantedAreWarnedAndDropped) {
  // runtime-spec: MUST warn, SHOULD NOT fail. An unknown name used to fail
  // validation; one outside the runtime's bounding set failed capset (EPERM).
  Json j = base();
  j["process"]["capabilities"]["bounding"] = {"CAP_KILL", "CAP_FLY", "CAP_SYS_RESOURCE"};
  j["process"]["capabilities"]["effective"] = {"CAP_SYS_RESOURCE", "CAP_KILL"};
  auto c = load_config_text(j.dump());
  ASSERT_TRUE(c) << c.error().what();
  Capabilities caps = *c->process->capabilities;
  auto w = drop_ungrantable_capabilities(
      caps, [](int v) { return v != *capability_number("CAP_SYS_RESOURCE"); }, "/process");
  EXPECT_EQ(format_problems("config.json", w),
            "config.json: /process/capabilities/bounding/1: unknown capability \"CAP_FLY\": "
            "ignored\n"
            "config.json: /process/capabilities/bounding/2: CAP_SYS_RESOURCE cannot be granted "
            "here (not in the runtime's bounding set, or unknown to this kernel): the process "
            "runs without it\n"
            "config.json: /process/capabilities/effective/0: CAP_SYS_RESOURCE cannot be granted "
            "here (not in the runtime's bounding set, or unknown to this kernel): the process "
            "runs without it");
  EXPECT_EQ(caps.bounding, std::vector<std::string>{"CAP_KILL"});
  EXPECT_EQ(caps.effective, std::vector<std::string>{"CAP_KILL"});
}

// update --resources: a linux.resources object, pointers relative to it; it
// replaces the current resources but keeps their device rules unless it
// names some.
// pids.limit 0 means what the config's own version of the spec meant: no
// limit before 1.3.0 (podman 4 writes it for --pids-limit -1, with
// ociVersion "1.0.2-dev"), a limit of 0 from 1.3.0 on.
TEST(PidsLimit, ZeroIsReadInTheTermsOfTheConfigsVersion) {
  for (auto [version, expected] : {std::pair{"1.0.2-dev", -1},
                                   {"1.2.1", -1},
                                   {"1.0.0", -1},
                                   {"1.3.0", 0},
                                   {"1.3.0-rc.1", 0},
                                   {"1.10.0", 0}}) {
    Json j = base();
    j["ociVersion"] = version;
    j["linux"]["resources"]["pids"]["limit"] = 0;
    auto c = load_config_text(j.dump());
    ASSERT_TRUE(c) << version << ": " << c.error().what();
    EXPECT_EQ(c->linux->resources->pids->limit, expected) << version;
  }
  Json j = base();
  j["ociVersion"] = "1.0.2-dev";
  j["linux"]["resources"]["pids"]["limit"] = 5;  // only 0 changed meaning
  EXPECT_EQ(load_config_text(j.dump())->linux->resources->pids->limit, 5);
  j["linux"]["resources"]["pids"] = Json::object();  // absent: pids.max is left alone
  EXPECT_FALSE(load_config_text(j.dump())->linux->resources->pids->limit);
  Resources r;
  r.pids = Pids{.limit = 0};
  read_in_current_terms(r, "1.1.0");
  EXPECT_EQ(r.pids->limit, -1);
}

TEST(UpdateResources, ReplacesAllButTheDeviceRulesAndPointsIntoTheObject) {
  Resources current;
  current.devices.push_back({.allow = false, .access = "rwm"});
  current.cpu = Cpu{.shares = 512};
  auto r = load_resources_text(R"({"memory": {"limit": 1048576}, "x": 1})", "--resources", current);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->memory->limit, 1048576);
  EXPECT_FALSE(r->cpu);
  EXPECT_EQ(r->devices, current.devices);
  EXPECT_TRUE(r->extra.contains("x"));
  r = load_resources_text(R"({"devices": []})", "--resources", current);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_TRUE(r->devices.empty());
  r = load_resources_text(R"({"memory": {"limit": "1M"}, "pids": {"limit": true}})", "--resources",
                          current);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "--resources: /memory/limit: must be an integer between -9223372036854775808 and "
            "9223372036854775807, not a string\n--resources: /pids/limit: must be an integer "
            "between -9223372036854775808 and 9223372036854775807, not a boolean");
  r = load_resources_text(R"({"pids": {}})", "--resources", current);  // 1.3.0: OPTIONAL
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_FALSE(r->pids->limit);
  r = load_resources_text("[1]", "--resources", current);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "--resources: /: must be an object, not an array");
}

// The kernel's list syntax (bitmap_parselist): ranges, single indices and
// "first-last:used/group" strides; anything else is refused.
TEST(CpuList, TheKernelsSyntax) {
  using V = std::vector<uint32_t>;
  EXPECT_EQ(mcrun::spec::parse_cpu_list(""), V{});
  EXPECT_EQ(mcrun::spec::parse_cpu_list("0-3,8"), (V{0, 1, 2, 3, 8}));
  EXPECT_EQ(mcrun::spec::parse_cpu_list("8,1,1\n"), (V{1, 8}));
  EXPECT_EQ(mcrun::spec::parse_cpu_list(" 0-1\t"), (V{0, 1}));
  EXPECT_EQ(mcrun::spec::parse_cpu_list("0-9:2/5"), (V{0, 1, 5, 6}));
  for (const char* bad :
       {"x", "1-", "-1", "3-1", "1,", ",1", "1,,2", "0-3:2", "0-3:3/2", "0-3:1/0", "65536", "1 2"})
    EXPECT_FALSE(mcrun::spec::parse_cpu_list(bad)) << bad;
}
