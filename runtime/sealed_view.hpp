// The part of sealing mcrun's binary (sealed_exe.hpp) that must also work
// before the C library has started: runtime/cli/entry.cpp calls it from the
// program's entry point, ahead of glibc's start-up, and sealed_exe.cpp after.
//
// Everything here is freestanding: raw syscalls, no libc calls (not even
// memcpy, an IFUNC that is resolved during start-up), no errno, no globals
// and no tables of pointers (a static-pie has not relocated itself yet).
// CMakeLists.txt builds the file without stack protector and sanitizers.
// Errors are -errno values.
#pragma once

#include <fcntl.h>

namespace mcrun::runtime::early {

// The seals that make a memfd unwritable for good.
inline constexpr int kWriteSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

// A read-only view of the binary at exe, which no one can open for writing:
// a detached overlayfs whose only layer with content is exe's directory
// (overlayfs without an upper layer wants two lower ones; the second is
// /dev, never opened). Its O_PATH fd, or -errno.
int open_sealed_view(const char* exe);

// True when no one can open the file behind fd for writing: a memfd with
// write seals, or a file on a read-only mount.
bool fd_is_sealed(int fd);

// The verb of mcrun's command line (the first argument after the global
// flags and their values), as main.cpp's dispatch finds it, is one that
// seals itself: create, run or exec.
bool argv_seals(int argc, char* const argv[]);

// MCRUN_TEST_SEAL=memfd is set: the tests' way to take the memfd copy.
bool env_forces_memfd(char* const envp[]);

// Execs this program's sealed view (open_sealed_view of /proc/self/exe)
// with argv and envp; returns only if it could not.
void exec_own_view(char* const argv[], char* const envp[]);

// The entry point's: for a command line that argv_seals(), unless the
// binary already is sealed or MCRUN_TEST_SEAL=memfd, exec_own_view().
void exec_sealed_view(int argc, char* const argv[], char* const envp[]);

}  // namespace mcrun::runtime::early
