// The last steps of the container init before execve: rlimits, identity,
// capabilities, no_new_privs and seccomp, and finding the program.
#pragma once

#include <string>
#include <vector>

#include "runtime/process/seccomp.hpp"
#include "spec/config.hpp"
#include "spec/error.hpp"
#include "spec/problem.hpp"

namespace mcrun::runtime {

// args[0] looked up in the PATH of the process env (like a shell), inside the
// container. Error: `exec: "foo": executable file not found in $PATH`
// (is_missing_program() tells it apart, so `run` can exit 127 like a shell).
// The first steps of a runtime child that will become a container process
// (create's init, exec's first stage): it dies with its parent (SIGKILL),
// it is not dumpable until it execs the program (it is the mcrun binary
// until then: /proc/<pid>/exe and ptrace stay out of the container's reach,
// part of the CVE-2019-5736 defence; execve resets it), and none of the
// runtime's signal dispositions or blocked signals leak into the container.
// `dumpable_until_go`: an unprivileged parent writes the new user
// namespace's id maps, which it can only open while the child is dumpable
// (else /proc/<pid>/ belongs to root); the child turns non-dumpable once Go
// says the maps are written (end_dumpable_window), as runc's nsexec does.
void begin_container_child(bool dumpable_until_go = false);
void end_dumpable_window();

Result<std::string> find_executable(const std::string& arg0, const std::vector<std::string>& env);

bool is_missing_program(const Error& e);

Result<> set_rlimits(const std::vector<spec::Rlimit>& rlimits);

// spec::drop_ungrantable_capabilities with this host's answer: in a user
// namespace the process makes or joins, any capability the running kernel
// knows can be granted (the namespace's root starts with a full bounding
// set); otherwise only those in mcrun's own bounding set (a host's root may
// lack some: this project's CI machine has no CAP_SYS_RESOURCE).
spec::Problems drop_capabilities_not_grantable_here(spec::Process& p, const spec::Config& config,
                                                    const std::string& where);

// setgroups/setresgid/setresuid and the five capability sets, in the order
// that keeps the permitted set across the uid change (PR_SET_KEEPCAPS).
Result<> switch_identity(const spec::Process& process);

Result<> set_no_new_privileges();

// Ambient capabilities that are not in both the permitted and the inheritable
// set: the kernel refuses to raise those (EPERM). runc and crun skip them with
// a warning, and `runc spec`'s default lists ambient capabilities without
// inheritable ones; mcrun skips them too (create says so with --debug).
std::vector<std::string> ambient_not_raisable(const spec::Capabilities& caps);

// The last steps before the user program, shared by the container's init and
// `exec` (runc's order): identity and capabilities, umask, no_new_privs,
// seccomp. seccomp goes last so the filter need not allow the setup syscalls;
// without no_new_privs it must be loaded while still privileged, so then it
// goes before the identity switch. What runs after this (startContainer
// hooks, the program) has exactly the process's privileges.
Result<> drop_privileges(const spec::Process& p, const SeccompProgram* seccomp);

// Fds 3 .. 3+preserve_fds-1 stay open across the exec; every other one mcrun
// or its caller left open is marked close-on-exec. Before the seccomp filter:
// a profile need not allow close_range (runtime-tools' does not).
Result<> close_on_exec(int preserve_fds);

// process.env as the program gets it, by runc's rules (crun's too): a name
// given twice keeps its last value, where that last one stands (the kernel
// passes duplicates through and getenv(3) would answer the first, an
// image's default rather than the override after it); an empty HOME counts
// as none. Pure.
std::vector<std::string> deduplicated_env(const std::vector<std::string>& env);

// deduplicated_env, and a process without HOME gets its uid's home
// directory from the container's /etc/passwd, or "/" (many programs and
// shells need one). Called inside the container's root, before privileges
// drop, so that startContainer hooks see the same env as the program.
std::vector<std::string> program_env(const std::vector<std::string>& env, uid_t uid);

// Execs the program in place. Returns only on failure.
Result<> exec_program(const std::vector<std::string>& args, const std::vector<std::string>& env,
                      const std::string& exe);

}  // namespace mcrun::runtime
