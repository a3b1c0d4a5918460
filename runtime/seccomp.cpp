// linux.seccomp -> a libseccomp filter. Syscall names this architecture does
// not know are skipped (like runc), so one profile serves every machine.
#include <seccomp.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>

#include "runtime/process_setup.hpp"

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
    return fail("seccomp: SCMP_ACT_NOTIFY needs a seccomp agent (listenerPath), which mcrun does not support", ENOTSUP);
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

Result<> install_seccomp(const spec::Seccomp& s) {
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
  for (const auto& flag : s.flags) {
    int rc = 0;
    if (flag == "SECCOMP_FILTER_FLAG_LOG") rc = seccomp_attr_set(f.ctx, SCMP_FLTATR_CTL_LOG, 1);
    else if (flag == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") rc = seccomp_attr_set(f.ctx, SCMP_FLTATR_CTL_SSB, 1);
    else if (flag == "SECCOMP_FILTER_FLAG_TSYNC") rc = seccomp_attr_set(f.ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (rc < 0) return fail("seccomp: flag " + flag, -rc);
  }
  // no_new_privs is set (or not) by the caller as the config says; libseccomp
  // must not set it on its own.
  seccomp_attr_set(f.ctx, SCMP_FLTATR_CTL_NNP, 0);
  for (const auto& sc : s.syscalls) {
    auto act = action_value(sc.action, sc.errno_ret);
    if (!act) return std::unexpected(act.error());
    if (*act == *def) continue;  // libseccomp refuses rules that repeat the default
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
          int rc = seccomp_rule_add_array(f.ctx, *act, nr, 1, &cmp);
          if (rc < 0) return fail("seccomp: add rule for " + name, -rc);
        }
        continue;
      }
      int rc = seccomp_rule_add_array(f.ctx, *act, nr, static_cast<unsigned>(args.size()), args.data());
      if (rc < 0) return fail("seccomp: add rule for " + name, -rc);
    }
  }
  int rc = seccomp_load(f.ctx);
  if (rc < 0) return fail("seccomp: load filter", -rc);
  return {};
}

}  // namespace mcrun::runtime
