#include "runtime/disk_usage.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>

#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {

using sys::UniqueFd;

[[noreturn]] void exec_du(const std::string& path, int out) {
  // dup2 clears O_CLOEXEC on 1; stdin and stderr go to /dev/null (du names
  // each file that vanished under it, which says nothing about the total).
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(null, 2) < 0 || ::dup2(out, 1) < 0) ::_exit(126);
  ::signal(SIGPIPE, SIG_DFL);
  const char* argv[] = {"du", "-k", "-s", "--", path.c_str(), nullptr};
  const char* envp[] = {"PATH=/usr/bin:/bin", "LC_ALL=C", nullptr};
  ::execve("/usr/bin/du", const_cast<char**>(argv), const_cast<char**>(envp));
  ::_exit(127);
}

// Mesos's Bytes printing: the largest unit that divides evenly.
std::string bytes_text(uint64_t b) {
  static const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  size_t u = 0;
  while (u + 1 < std::size(units) && b >= 1024 && b % 1024 == 0) {
    b /= 1024;
    ++u;
  }
  return std::to_string(b) + units[u];
}

}  // namespace

Result<uint64_t> disk_usage(const std::string& path) {
  std::string who = "du " + quote(path);
  auto out = sys::pipe();
  if (!out) return std::unexpected(std::move(out.error()).context(who));
  auto child = sys::fork_with_pidfd();
  if (!child) return std::unexpected(std::move(child.error()).context(who));
  if (child->pid == 0) exec_du(path, out->second.get());
  out->second.reset();
  std::string text;
  char buf[256];
  for (ssize_t n; (n = ::read(out->first.get(), buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (text.size() < 4096) text.append(buf, static_cast<size_t>(n));
  }
  auto status = sys::wait_pid(child->pid);
  if (!status) return std::unexpected(std::move(status.error()).context(who));
  // A total is printed even when du met files that vanished (status 1): it
  // still counts what exists, so it is used, as a bound from below.
  uint64_t kb;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), kb);
  if (ec != std::errc() || p == text.data() || *p != '\t')
    return fail(who + " printed no total (status " + std::to_string(sys::exit_code_of(*status)) +
                ")");
  return kb * 1024;
}

std::string disk_limitation(uint64_t usage, uint64_t limit) {
  return "Disk usage (" + bytes_text(usage) + ") exceeds quota (" + bytes_text(limit) + ")";
}

Result<std::unique_ptr<DiskWatcher>> DiskWatcher::start(
    spec::DiskWatch watch, std::function<void(const std::string&)> exceeded) {
  auto stop = sys::pipe();
  if (!stop) return std::unexpected(std::move(stop.error()).context("disk watch"));
  std::unique_ptr<DiskWatcher> w(new DiskWatcher(std::move(watch), std::move(exceeded)));
  w->stop_read_ = std::move(stop->first);
  w->stop_write_ = std::move(stop->second);
  w->thread_ = std::thread([p = w.get()] { p->loop(); });
  return w;
}

DiskWatcher::~DiskWatcher() {
  stop_write_.reset();  // the reader sees POLLHUP
  thread_.join();
}

void DiskWatcher::loop() {
  for (;;) {
    pollfd p{stop_read_.get(), POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(watch_.interval * 1000));
    if (n < 0 && errno == EINTR) continue;
    if (n != 0) return;  // stopped
    auto usage = disk_usage(watch_.path);
    if (usage && watch_.limit && *usage > *watch_.limit) {
      exceeded_(disk_limitation(*usage, *watch_.limit));
      return;
    }
  }
}

}  // namespace mcrun::runtime
