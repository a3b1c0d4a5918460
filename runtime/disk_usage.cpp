#include "runtime/disk_usage.hpp"

#include <poll.h>
#include <unistd.h>

#include <charconv>

#include "runtime/sys/run_program.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {

using sys::UniqueFd;

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
  // stderr is dropped: du names each file that vanished under it, which says
  // nothing about the total.
  const char* du = ::access("/usr/bin/du", X_OK) == 0 ? "/usr/bin/du" : "/bin/du";
  // A du that cannot total the sandbox in 5 minutes (a hung network mount
  // under it) measures nothing a quota could use: an error, which the
  // foreground watch treats as any failed measurement.
  auto r = sys::run_program({du, "-k", "-s", "--", path}, false, std::chrono::minutes(5));
  if (!r) return std::unexpected(std::move(r.error()).context(who));
  // A total is printed even when du met files that vanished (status 1): it
  // still counts what exists, so it is used, as a bound from below.
  const std::string& text = r->output;
  uint64_t kb;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), kb);
  if (ec != std::errc() || p == text.data() || *p != '\t')
    return fail(who + " printed no total (status " + std::to_string(sys::exit_code_of(r->status)) +
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
    // A limit that can no longer be checked is not left unwatched: the
    // container goes, and why is said.
    if (!usage) {
      exceeded_("the disk quota cannot be enforced: " + usage.error().what());
      return;
    }
    if (watch_.limit && *usage > *watch_.limit) {
      exceeded_(disk_limitation(*usage, *watch_.limit));
      return;
    }
  }
}

}  // namespace mcrun::runtime
