#include "runtime/sys/fd.hpp"

#include <unistd.h>

namespace mcrun::sys {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);  // the only close() in mcrun
  fd_ = fd;
}

}  // namespace mcrun::sys
