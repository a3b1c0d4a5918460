// The cgroup v2 device program, run on a small evaluator of the instructions
// it emits: what the kernel would allow and deny, and no unreachable code
// (the verifier refuses it).
#include "runtime/cgroup/device_filter.hpp"

#include <gtest/gtest.h>

#include <set>

#include "runtime/cgroup/cgroup_plan.hpp"

namespace mcrun::runtime {
namespace {

using spec::DeviceRule;
constexpr uint32_t C = BPF_DEVCG_DEV_CHAR, B = BPF_DEVCG_DEV_BLOCK;
constexpr uint32_t R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE, M = BPF_DEVCG_ACC_MKNOD;

int run(const std::vector<bpf_insn>& p, uint32_t type, uint32_t access, uint32_t major,
        uint32_t minor) {
  uint64_t r[11] = {};
  const uint32_t ctx[3] = {type | (access << 16), major, minor};
  for (size_t pc = 0; pc < p.size();) {
    const bpf_insn& i = p[pc++];
    switch (i.code) {
      case BPF_LDX | BPF_MEM | BPF_W:
        r[i.dst_reg] = ctx[i.off / 4];
        break;
      case BPF_ALU | BPF_AND | BPF_K:
        r[i.dst_reg] = static_cast<uint32_t>(r[i.dst_reg]) & static_cast<uint32_t>(i.imm);
        break;
      case BPF_ALU | BPF_RSH | BPF_K:
        r[i.dst_reg] = static_cast<uint32_t>(r[i.dst_reg]) >> i.imm;
        break;
      case BPF_ALU | BPF_MOV | BPF_X:
        r[i.dst_reg] = static_cast<uint32_t>(r[i.src_reg]);
        break;
      case BPF_ALU64 | BPF_MOV | BPF_K:
        r[i.dst_reg] = static_cast<uint64_t>(static_cast<int64_t>(i.imm));
        break;
      case BPF_JMP32 | BPF_JNE | BPF_K:
        if (static_cast<uint32_t>(r[i.dst_reg]) != static_cast<uint32_t>(i.imm)) pc += i.off;
        break;
      case BPF_JMP32 | BPF_JEQ | BPF_K:
        if (static_cast<uint32_t>(r[i.dst_reg]) == static_cast<uint32_t>(i.imm)) pc += i.off;
        break;
      case BPF_JMP | BPF_EXIT:
        return static_cast<int>(r[0]);
      default:
        ADD_FAILURE() << "unexpected opcode " << int(i.code);
        return -1;
    }
  }
  ADD_FAILURE() << "ran off the end of the program";
  return -1;
}

// Every instruction is reachable from the first.
bool all_reachable(const std::vector<bpf_insn>& p) {
  std::set<size_t> seen;
  std::vector<size_t> todo = {0};
  while (!todo.empty()) {
    size_t pc = todo.back();
    todo.pop_back();
    if (pc >= p.size() || !seen.insert(pc).second) continue;
    if (p[pc].code == (BPF_JMP | BPF_EXIT)) continue;
    todo.push_back(pc + 1);
    if (p[pc].code == (BPF_JMP32 | BPF_JNE | BPF_K) || p[pc].code == (BPF_JMP32 | BPF_JEQ | BPF_K))
      todo.push_back(pc + 1 + p[pc].off);
  }
  return seen.size() == p.size();
}

TEST(DeviceFilter, DefaultAllowlist) {
  auto p = device_filter(
      with_default_devices({{false, std::nullopt, std::nullopt, std::nullopt, "rwm"}}));
  EXPECT_TRUE(all_reachable(p));
  EXPECT_EQ(run(p, C, R, 1, 3), 1);    // /dev/null
  EXPECT_EQ(run(p, C, W, 1, 5), 1);    // /dev/zero
  EXPECT_EQ(run(p, C, W, 136, 7), 1);  // a pty: 136:* wildcard
  EXPECT_EQ(run(p, C, M, 9, 9), 1);    // mknod of any char device
  EXPECT_EQ(run(p, B, M, 8, 0), 1);    // ... and any block device
  EXPECT_EQ(run(p, C, W, 1, 11), 0);   // /dev/kmsg
  EXPECT_EQ(run(p, C, R, 1, 1), 0);    // /dev/mem
  EXPECT_EQ(run(p, B, R, 8, 0), 0);    // a disk
}

TEST(DeviceFilter, TheLastMatchingRuleDecides) {
  auto p = device_filter({{false, std::nullopt, std::nullopt, std::nullopt, "rwm"},
                          {true, "c", 1, std::nullopt, "rw"},
                          {false, "c", 1, 11, "w"}});
  EXPECT_TRUE(all_reachable(p));
  EXPECT_EQ(run(p, C, W, 1, 11), 0);
  EXPECT_EQ(run(p, C, R, 1, 11), 1);
  EXPECT_EQ(run(p, C, W, 1, 3), 1);
  EXPECT_EQ(run(p, C, M, 1, 3), 0);  // "rw" grants no mknod
  EXPECT_EQ(run(p, B, R, 1, 3), 0);  // a block device of the same numbers
  // An open for reading and writing asks for both: the denied write denies
  // it (the deny rule once matched only requests within "w").
  EXPECT_EQ(run(p, C, R | W, 1, 11), 0);
  EXPECT_EQ(run(p, C, R | W, 1, 3), 1);
}

TEST(DeviceFilter, AnUnconditionalRuleEndsTheProgram) {
  // "a *:* rwm" decides everything that reaches it: what is before it in the
  // list is never tested, and emitting it would be unreachable code.
  auto p = device_filter(
      {{false, "c", 1, 3, "rwm"}, {true, std::nullopt, std::nullopt, std::nullopt, "rwm"}});
  EXPECT_TRUE(all_reachable(p));
  EXPECT_EQ(run(p, C, R, 1, 3), 1);
  EXPECT_EQ(run(p, B, W, 8, 0), 1);
  EXPECT_EQ(device_filter({}).size(), 8u);  // the loads, then deny
  EXPECT_EQ(run(device_filter({}), C, R, 1, 3), 0);
}

TEST(DeviceFilter, HighMajorsCompareAsUnsigned) {
  auto p = device_filter({{true, "c", 4000000000LL, 1, "r"}});
  EXPECT_EQ(run(p, C, R, 4000000000u, 1), 1);
  EXPECT_EQ(run(p, C, R, 1, 1), 0);
}

TEST(CgroupVersion, V1CannotPunchAHoleInAWildcard) {
  spec::Resources r;
  r.devices = {{false, std::nullopt, std::nullopt, std::nullopt, "rwm"},
               {true, "c", 1, std::nullopt, "rw"},
               {false, "c", 1, 11, "w"},
               {false, "c", 5, 0, "w"}};
  auto p = spec::validate_for_cgroup(r, false);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].pointer, "/linux/resources/devices/2");
  EXPECT_TRUE(spec::validate_for_cgroup(r, true).empty());
}

TEST(CgroupVersion, WhatV2CannotExpress) {
  spec::Resources r;
  r.memory.emplace().swap = 1 << 20;
  r.memory->kernel_tcp = 1 << 20;
  r.network.emplace().class_id = 1;
  std::vector<std::string> pointers;
  for (const auto& p : spec::validate_for_cgroup(r, true)) pointers.push_back(p.pointer);
  EXPECT_EQ(pointers,
            (std::vector<std::string>{"/linux/resources/memory/kernelTCP",
                                      "/linux/resources/memory/swap", "/linux/resources/network"}));
  r.unified["memory.high"] = "1";
  EXPECT_EQ(spec::validate_for_cgroup(r, false).size(), 1u);
}

}  // namespace
}  // namespace mcrun::runtime
