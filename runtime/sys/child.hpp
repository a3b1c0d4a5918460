// OwnedChild: a child process that must not outlive the code that made it
// unless that code says so. Move-only; on destruction it is killed (SIGKILL
// through its pidfd, so a recycled pid is never hit) and reaped, unless
// release() handed it on.
#pragma once

#include <sys/types.h>

#include <utility>

#include "runtime/sys/fd.hpp"

namespace mcrun::sys {

class OwnedChild {
 public:
  OwnedChild() = default;
  OwnedChild(pid_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  OwnedChild(OwnedChild&& o) noexcept
      : pid_(std::exchange(o.pid_, 0)), pidfd_(std::move(o.pidfd_)) {}
  OwnedChild& operator=(OwnedChild&& o) noexcept;
  OwnedChild(const OwnedChild&) = delete;
  OwnedChild& operator=(const OwnedChild&) = delete;
  ~OwnedChild() { kill_and_reap(); }

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_.get(); }
  explicit operator bool() const { return pid_ > 0; }

  // It was reaped (or is someone else's to reap) now: nothing left to undo.
  void forget() { pid_ = 0, pidfd_.reset(); }
  // Ownership moves to the caller: the pid and its pidfd.
  std::pair<pid_t, UniqueFd> release() { return {std::exchange(pid_, 0), std::move(pidfd_)}; }
  void kill_and_reap();

 private:
  pid_t pid_ = 0;
  UniqueFd pidfd_;
};

}  // namespace mcrun::sys
