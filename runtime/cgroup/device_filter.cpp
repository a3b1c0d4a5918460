#include "runtime/cgroup/device_filter.hpp"

#include <cstdint>

namespace mcrun::runtime {
namespace {

// Registers: r1 = ctx on entry; r2 = type, r3 = access, r4 = major, r5 = minor.
constexpr uint8_t R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i{};
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}
bpf_insn load_u32(uint8_t dst, int16_t off) {
  return insn(BPF_LDX | BPF_MEM | BPF_W, dst, R1, off, 0);
}
bpf_insn alu32_k(uint8_t op, uint8_t dst, int32_t imm) {
  return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}
bpf_insn mov32_x(uint8_t dst, uint8_t src) {
  return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0);
}
bpf_insn mov64_k(uint8_t dst, int32_t imm) {
  return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}
// 32-bit compare: majors and minors are u32, which a 64-bit compare would
// sign-extend from the immediate.
bpf_insn jne32(uint8_t reg, uint32_t value) {
  return insn(BPF_JMP32 | BPF_JNE | BPF_K, reg, 0, 0, static_cast<int32_t>(value));
}
bpf_insn jeq32(uint8_t reg, uint32_t value) {
  return insn(BPF_JMP32 | BPF_JEQ | BPF_K, reg, 0, 0, static_cast<int32_t>(value));
}
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

int32_t type_of(const spec::DeviceRule& r) {
  if (!r.type || *r.type == "a") return -1;  // any
  return *r.type == "b" ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
}

int32_t access_of(const spec::DeviceRule& r) {
  int32_t a = 0;
  for (char c : r.access.value_or("rwm")) {
    if (c == 'r') a |= BPF_DEVCG_ACC_READ;
    if (c == 'w') a |= BPF_DEVCG_ACC_WRITE;
    if (c == 'm') a |= BPF_DEVCG_ACC_MKNOD;
  }
  return a;
}

constexpr int32_t kAllAccess = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;

// One rule: each test jumps past the block when it does not hold; the end of
// the block returns the rule's verdict.
std::vector<bpf_insn> rule_block(const spec::DeviceRule& r) {
  std::vector<bpf_insn> b;
  std::vector<size_t> jumps;
  if (int32_t t = type_of(r); t >= 0) {
    jumps.push_back(b.size());
    b.push_back(jne32(R2, static_cast<uint32_t>(t)));
  }
  if (int32_t a = access_of(r); a != kAllAccess) {
    b.push_back(mov32_x(R1, R3));
    if (r.allow) {
      // An allow holds a request only for all it asks: (access & ~rule) == 0.
      b.push_back(alu32_k(BPF_AND, R1, ~a & kAllAccess));
      jumps.push_back(b.size());
      b.push_back(jne32(R1, 0));
    } else {
      // A deny holds a request that asks for any of its access: an open
      // for reading and writing is denied by a deny of writing (as v1's
      // controller takes the write out of what it allows).
      b.push_back(alu32_k(BPF_AND, R1, a));
      jumps.push_back(b.size());
      b.push_back(jeq32(R1, 0));
    }
  }
  if (r.major && *r.major >= 0) {
    jumps.push_back(b.size());
    b.push_back(jne32(R4, static_cast<uint32_t>(*r.major)));
  }
  if (r.minor && *r.minor >= 0) {
    jumps.push_back(b.size());
    b.push_back(jne32(R5, static_cast<uint32_t>(*r.minor)));
  }
  b.push_back(mov64_k(R0, r.allow ? 1 : 0));
  b.push_back(exit_insn());
  for (size_t j : jumps) b[j].off = static_cast<int16_t>(b.size() - j - 1);
  return b;
}

}  // namespace

std::vector<bpf_insn> device_filter(const std::vector<spec::DeviceRule>& rules) {
  std::vector<bpf_insn> p = {
      load_u32(R2, 0), alu32_k(BPF_AND, R2, 0xffff),  // type
      load_u32(R3, 0), alu32_k(BPF_RSH, R3, 16),      // access
      load_u32(R4, 4),                                // major
      load_u32(R5, 8),                                // minor
  };
  for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
    auto block = rule_block(*it);
    p.insert(p.end(), block.begin(), block.end());
    // A rule that matches everything decides for all the rules before it;
    // the verifier refuses the unreachable code they would be.
    if (block.size() == 2) return p;
  }
  p.push_back(mov64_k(R0, 0));  // no rule matched: denied
  p.push_back(exit_insn());
  return p;
}

}  // namespace mcrun::runtime
