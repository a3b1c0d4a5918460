#include "runtime/sys/child.hpp"

#include <signal.h>

#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::sys {

OwnedChild& OwnedChild::operator=(OwnedChild&& o) noexcept {
  if (this != &o) {
    kill_and_reap();
    pid_ = std::exchange(o.pid_, 0);
    pidfd_ = std::move(o.pidfd_);
  }
  return *this;
}

void OwnedChild::kill_and_reap() {
  if (pid_ <= 0) return;
  if (pidfd_) (void)pidfd_send_signal(pidfd_.get(), SIGKILL);
  (void)wait_pid(pid_);
  forget();
}

}  // namespace mcrun::sys
