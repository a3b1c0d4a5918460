// tmpcopyup: the contents a tmpfs mount covers, copied into it (runc's mount
// extension; podman asks for it on --tmpfs and --read-only mounts).
#pragma once

#include "spec/error.hpp"

namespace mcrun::runtime {

// Copies everything below the directory `src` (an fd opened O_RDONLY before
// the tmpfs covered it) into the directory `dst`: directories, regular files,
// symlinks (as links, never followed), device nodes and fifos, each with its
// mode and owner. Sockets are skipped; hard links become separate files.
Result<> copy_tree(int src, int dst);

}  // namespace mcrun::runtime
