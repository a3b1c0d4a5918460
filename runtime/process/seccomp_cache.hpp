// Compiled seccomp programs, kept per profile under the state root
// (<root>/.cache/seccomp/), as crun keeps its own: podman and Kubernetes
// start container after container with one profile, and libseccomp takes
// about 11 ms to compile containers-common's, where reading it back is one
// read. Each file holds its whole key (the profile as JSON, this mcrun
// binary's size and mtime, the kernel release), so a collision of the hash
// that names it is a miss, never another profile's filter. The directory
// lives in the state root (0700, root's), which is trusted as the state
// itself is; ".cache" is reserved, never a container id (state_store.cpp).
#pragma once

#include <string>

#include "runtime/process/seccomp.hpp"

namespace mcrun::runtime {

// compile_seccomp(s), from the cache when it holds this profile; a miss
// compiles and stores (a cache that cannot be written is only a miss).
Result<SeccompProgram> compile_seccomp_cached(const std::string& state_root,
                                              const spec::Seccomp& s);

// How many programs the cache keeps: past it, the oldest go.
inline constexpr size_t kSeccompCacheEntries = 64;

}  // namespace mcrun::runtime
