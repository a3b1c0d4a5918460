// The commit mcrun was built from (a file CMake generates at configure
// time, so that a new commit recompiles that file alone).
#pragma once

namespace mcrun::cli {
extern const char* const kCommit;
}
