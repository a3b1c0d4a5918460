// linux.seccomp as the kernel loads it: libseccomp compiles the profile into
// a classic BPF program once, at create; the program is kept in the state
// directory, and exec loads it from there (compiling a podman-sized profile
// costs about 10 ms, loading it a syscall), as crun keeps its own.
#pragma once

#include <linux/filter.h>

#include <string>
#include <string_view>
#include <vector>

#include "spec/config.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

struct SeccompProgram {
  std::vector<sock_filter> filter;
  unsigned flags = 0;  // SECCOMP_FILTER_FLAG_* from linux.seccomp.flags
};

// Syscall names of the profile that this architecture does not know; the
// filter skips them (like runc), and create reports them with --debug.
std::vector<std::string> unknown_syscalls(const spec::Seccomp& seccomp);

Result<SeccompProgram> compile_seccomp(const spec::Seccomp& seccomp);

// Loads the program (no_new_privs is the caller's business: without it the
// caller must still hold CAP_SYS_ADMIN).
Result<> load_seccomp(const SeccompProgram& program);

// The state directory's copy: the flags, then the instructions.
std::string encode_seccomp(const SeccompProgram& program);
Result<SeccompProgram> decode_seccomp(std::string_view bytes);

}  // namespace mcrun::runtime
