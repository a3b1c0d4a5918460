// The converter's only contact with the host: checking the paths a
// conversion depends on, then creating the sandbox directories for relative
// host_paths. check_host_paths() changes nothing, so a bad input leaves no
// half-made sandbox behind; make_sandbox_dirs() runs only after it passed.
//
// The work dir belongs to the task, and an earlier task (or anyone who can
// write there) may have planted symlinks in it: every directory below it is
// created and given its mode and owner through file descriptors, one
// component at a time, and a symlink anywhere on the way is an error — never
// a way to chmod or chown a directory of the host.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "converters/convert.hpp"

namespace mcrun::converters {

struct DirToMake {
  size_t volume = 0;
  std::string relative;  // below the work dir
  mode_t mode = 0755;    // permission bits incl. sticky/setgid
  uid_t uid = 0;
  gid_t gid = 0;
};

Result<std::vector<DirToMake>> check_host_paths(const Conversion& conversion,
                                                const std::string& work_dir,
                                                std::string_view input_name);

// mkdir -p of each below the work dir (new parents 0755), then fchmod/fchown
// to exactly the copied mode and owner (mkdir's mode is filtered by the umask).
Result<> make_sandbox_dirs(const std::string& work_dir, const std::vector<DirToMake>& dirs);

}  // namespace mcrun::converters
