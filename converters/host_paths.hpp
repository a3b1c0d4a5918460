// The converter's only contact with the host: checking the paths a
// conversion depends on, then creating the sandbox directories for relative
// host_paths. check_host_paths() changes nothing, so a bad input leaves no
// half-made sandbox behind; make_sandbox_dirs() runs only after it passed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "converters/convert.hpp"

namespace mcrun::converters {

struct DirToMake {
  std::string path;
  mode_t mode = 0755;  // permission bits incl. sticky/setgid
  uid_t uid = 0;
  gid_t gid = 0;
};

Result<std::vector<DirToMake>> check_host_paths(const Conversion& conversion, std::string_view input_name);

// mkdir -p each (parents 0755), then chmod/chown to exactly the copied mode
// and owner (mkdir's mode is filtered by the umask; chmod is not).
Result<> make_sandbox_dirs(const std::string& work_dir, const std::vector<DirToMake>& dirs);

}  // namespace mcrun::converters
