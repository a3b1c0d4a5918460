// linux.seccomp -> a libseccomp filter -> a BPF program. Syscall names this
// architecture does not know are skipped (like runc), so one profile serves
// every machine.
#include "runtime/process/seccomp.hpp"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "runtime/sys/fd.hpp"

namespace mcrun::runtime {
namespace {

Result<uint32_t> action_value(const std::string& action, std::optional<uint32_t> errno_ret) {
  if (action == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (action == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(errno_ret.value_or(EPERM));
  if (action == "SCMP_ACT_KILL" || action == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (action == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (action == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (action == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(errno_ret.value_or(EPERM));
  if (action == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (action == "SCMP_ACT_NOTIFY")
    return fail(
        "seccomp: SCMP_ACT_NOTIFY needs a seccomp agent (listenerPath), which mcrun does not "
        "support",
        ENOTSUP);
  return fail("seccomp: unknown action " + action, EINVAL);
}

scmp_compare op_value(const std::string& op) {
  if (op == "SCMP_CMP_NE") return SCMP_CMP_NE;
  if (op == "SCMP_CMP_LT") return SCMP_CMP_LT;
  if (op == "SCMP_CMP_LE") return SCMP_CMP_LE;
  if (op == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
  if (op == "SCMP_CMP_GE") return SCMP_CMP_GE;
  if (op == "SCMP_CMP_GT") return SCMP_CMP_GT;
  return SCMP_CMP_MASKED_EQ;
}

std::string arch_name(const std::string& scmp) {  // "SCMP_ARCH_X86_64" -> "x86_64"
  std::string s = scmp.substr(std::string("SCMP_ARCH_").size());
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

struct Filter {
  scmp_filter_ctx ctx;
  ~Filter() { seccomp_release(ctx); }
};

}  // namespace

std::vector<std::string> unknown_syscalls(const spec::Seccomp& s) {
  std::vector<std::string> out;
  for (const auto& sc : s.syscalls)
    for (const auto& name : sc.names)
      if (seccomp_syscall_resolve_name(name.c_str()) == __NR_SCMP_ERROR) out.push_back(name);
  return out;
}

namespace {

unsigned filter_flags(const std::vector<std::string>& flags) {
  unsigned out = 0;
  for (const auto& flag : flags) {
    if (flag == "SECCOMP_FILTER_FLAG_LOG")
      out |= SECCOMP_FILTER_FLAG_LOG;
    else if (flag == "SECCOMP_FILTER_FLAG_SPEC_ALLOW")
      out |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    else if (flag == "SECCOMP_FILTER_FLAG_TSYNC")
      out |= SECCOMP_FILTER_FLAG_TSYNC;
  }
  return out;
}

// One entry of linux.seccomp.syscalls: a rule for each name this
// architecture knows.
Result<> add_rules(const Filter& f, const spec::SeccompSyscall& sc, uint32_t act) {
  std::vector<scmp_arg_cmp> args;
  for (const auto& a : sc.args)
    args.push_back(scmp_arg_cmp{a.index, op_value(a.op), a.value, a.value_two.value_or(0)});
  // libseccomp ANDs the comparisons of one rule and refuses (EINVAL) two on
  // the same argument, which could never both hold for EQ anyway. Profiles
  // use that form to mean "any of these values" (personality(0), (8) or
  // (0xffffffff) in the default profiles of docker and runtime-tools), so,
  // as runc and crun do, each comparison then becomes a rule of its own.
  bool same_arg_twice = false;
  for (size_t i = 0; i < args.size(); ++i)
    for (size_t j = i + 1; j < args.size(); ++j) same_arg_twice |= args[i].arg == args[j].arg;
  for (const auto& name : sc.names) {
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;  // unknown on this architecture
    if (same_arg_twice) {
      for (const auto& cmp : args) {
        int rc = seccomp_rule_add_array(f.ctx, act, nr, 1, &cmp);
        if (rc < 0) return fail("seccomp: add rule for " + name, -rc);
      }
      continue;
    }
    int rc =
        seccomp_rule_add_array(f.ctx, act, nr, static_cast<unsigned>(args.size()), args.data());
    if (rc < 0) return fail("seccomp: add rule for " + name, -rc);
  }
  return {};
}

// The program as libseccomp would load it, through a memfd (libseccomp
// 2.5 exports to an fd only).
Result<std::vector<sock_filter>> export_program(const Filter& f) {
  int mfd = ::memfd_create("seccomp", MFD_CLOEXEC);
  if (mfd < 0) return fail_errno("memfd_create");
  sys::UniqueFd out(mfd);
  if (int rc = seccomp_export_bpf(f.ctx, out.get()); rc < 0)
    return fail("seccomp: export the filter", -rc);
  off_t size = ::lseek(out.get(), 0, SEEK_END);
  if (size <= 0 || size % static_cast<off_t>(sizeof(sock_filter)) != 0)
    return fail("seccomp: export gave no program");
  std::vector<sock_filter> filter(static_cast<size_t>(size) / sizeof(sock_filter));
  if (::pread(out.get(), filter.data(), static_cast<size_t>(size), 0) != size)
    return fail_errno("seccomp: read the exported filter");
  return filter;
}

}  // namespace

Result<SeccompProgram> compile_seccomp(const spec::Seccomp& s) {
  auto def = action_value(s.default_action, s.default_errno_ret);
  if (!def) return std::unexpected(def.error());
  Filter f{seccomp_init(*def)};
  if (!f.ctx) return fail("seccomp_init failed", EINVAL);
  for (const auto& a : s.architectures) {
    uint32_t arch = seccomp_arch_resolve_name(arch_name(a).c_str());
    if (arch == 0) continue;  // not an architecture this libseccomp knows
    int rc = seccomp_arch_add(f.ctx, arch);
    if (rc < 0 && rc != -EEXIST) return fail("seccomp: add architecture " + a, -rc);
  }
  for (const auto& sc : s.syscalls) {
    auto act = action_value(sc.action, sc.errno_ret);
    if (!act) return std::unexpected(act.error());
    if (*act == *def) continue;  // libseccomp refuses rules that repeat the default
    MCRUN_CHECK(add_rules(f, sc, *act));
  }
  auto filter = export_program(f);
  if (!filter) return std::unexpected(filter.error());
  return SeccompProgram{.filter = std::move(*filter), .flags = filter_flags(s.flags)};
}

Result<> load_seccomp(const SeccompProgram& program) {
  sock_fprog prog{static_cast<unsigned short>(program.filter.size()),
                  const_cast<sock_filter*>(program.filter.data())};
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, program.flags, &prog) < 0)
    return fail_errno("seccomp: load filter");
  return {};
}

std::string encode_seccomp(const SeccompProgram& program) {
  std::string out(sizeof(uint32_t) + program.filter.size() * sizeof(sock_filter), '\0');
  uint32_t flags = program.flags;
  std::memcpy(out.data(), &flags, sizeof flags);
  std::memcpy(out.data() + sizeof flags, program.filter.data(),
              program.filter.size() * sizeof(sock_filter));
  return out;
}

Result<SeccompProgram> decode_seccomp(std::string_view bytes) {
  size_t n =
      bytes.size() < sizeof(uint32_t) ? 0 : (bytes.size() - sizeof(uint32_t)) / sizeof(sock_filter);
  if (n == 0 || n > BPF_MAXINSNS || sizeof(uint32_t) + n * sizeof(sock_filter) != bytes.size())
    return fail("not a seccomp program of mcrun's", EINVAL);
  SeccompProgram program;
  uint32_t flags;
  std::memcpy(&flags, bytes.data(), sizeof flags);
  program.flags = flags;
  program.filter.resize(n);
  std::memcpy(program.filter.data(), bytes.data() + sizeof flags, n * sizeof(sock_filter));
  return program;
}

}  // namespace mcrun::runtime
