// mcrun's ELF entry point on x86-64 (-e mcrun_entry, CMakeLists.txt): seals
// the binary for create, run and exec before glibc starts.
//
// Those verbs re-execute mcrun from a read-only view of its binary
// (runtime/sealed_exe.hpp). Done from main(), the first image would pay all
// of glibc's start-up only to exec again, and that is not small in a virtual
// machine: glibc sizes the caches with some 70 CPUID instructions, each one
// a VM exit (3.7 us on the CI machine, an AMD EPYC guest): an empty static
// program takes 0.31 ms, 0.04 ms without libc. Here the first image runs a
// few syscalls and execs the sealed view at once; anything unexpected (no
// overlayfs, an unprivileged user, MCRUN_TEST_SEAL=memfd) falls through to
// _start, and main() seals as before.
//
// This runs before the static-pie has relocated itself, before TLS and
// before libc: see runtime/sealed_view.hpp for what the code may use.
#include "runtime/sealed_view.hpp"

// sp: the process's initial stack: argc, then argv[], NULL, envp[], NULL.
extern "C" void mcrun_seal_before_libc(long* sp) {
  int argc = static_cast<int>(sp[0]);
  char** argv = reinterpret_cast<char**>(sp + 1);
  mcrun::runtime::early::exec_sealed_view(argc, argv, argv + argc + 1);
}

// The kernel enters here with the initial stack at %rsp and, from a dynamic
// loader, a finalizer in %rdx. Both go to glibc's _start unchanged; %rbx and
// %r12 are callee-saved, so they carry them across the call.
__asm__(
    ".text\n"
    ".globl mcrun_entry\n"
    ".type mcrun_entry, @function\n"
    "mcrun_entry:\n"
    "  endbr64\n"
    "  xor %ebp, %ebp\n"
    "  mov %rsp, %rbx\n"
    "  mov %rdx, %r12\n"
    "  mov %rsp, %rdi\n"
    "  call mcrun_seal_before_libc\n"
    "  mov %rbx, %rsp\n"
    "  mov %r12, %rdx\n"
    "  jmp _start\n"
    ".size mcrun_entry, .-mcrun_entry\n");
