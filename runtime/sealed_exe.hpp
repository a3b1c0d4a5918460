// CVE-2019-5736. A container can reach /proc/<pid>/exe of any mcrun process
// it can see (create's init before its exec, exec's child before its exec)
// and can make the kernel run mcrun's own binary inside it: a script whose
// interpreter is "#!/proc/self/exe", exec'd by `mcrun exec`, runs whatever
// binary the exec'ing process has. Once that process exits, the container
// could open the binary it holds for writing and replace the host's mcrun.
//
// So the verbs that put processes into containers first re-execute mcrun
// from a view of its binary that no one can write, and every process they
// clone has that view as its exe:
//  - zero-copy: a detached, read-only overlayfs whose top layer is the
//    binary's own directory (as runc 1.2's exeseal). It has no writable
//    layer and sits in no mount namespace, so nothing can remount it
//    writable (sealed_view.hpp);
//  - otherwise a copy in a sealed memfd (F_SEAL_WRITE, ...), as runc and crun.
// On x86-64 the program's entry point makes the overlay view and execs it
// before glibc starts (runtime/cli/entry.cpp), so the unsealed image costs
// no libc start-up; reexec_sealed() is then a check, and the way everywhere
// else and for the memfd copy. Measured in tests/bench/ (i).
#pragma once

#include "spec/error.hpp"

namespace mcrun::runtime {

// True when no one can open /proc/self/exe for writing: a sealed memfd, or a
// file on a read-only mount.
bool self_exe_is_sealed();

// Unless self_exe_is_sealed(), execs this program again (argv, envp) from a
// sealed view of its binary. Returns only if it already was sealed, or with
// the reason it could not be.
Result<> reexec_sealed(char* const argv[], char* const envp[]);

}  // namespace mcrun::runtime
