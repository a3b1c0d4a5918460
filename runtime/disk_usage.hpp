// A sandbox's disk usage as Mesos's disk/du isolator measures it: `du -k -s`
// run on the directory (coreutils' du walks a tree the container may be
// changing without following symlinks or leaving it), in bytes. And the watch
// that `mcrun run` keeps while the container runs, for an enforced limit.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "runtime/sys/fd.hpp"
#include "spec/disk_watch.hpp"
#include "spec/error.hpp"

namespace mcrun::runtime {

Result<uint64_t> disk_usage(const std::string& path);

// Mesos's limitation message: "Disk usage (2MB) exceeds quota (1MB)".
std::string disk_limitation(uint64_t usage, uint64_t limit);

// Measures `watch.path` every `watch.interval` seconds on a thread of its own
// and calls `exceeded` (once) with the limitation message when the usage is
// above the limit, or says why it cannot be measured (du missing, the
// sandbox gone). Stops (and joins) when destroyed.
class DiskWatcher {
 public:
  static Result<std::unique_ptr<DiskWatcher>> start(
      spec::DiskWatch watch, std::function<void(const std::string&)> exceeded);
  ~DiskWatcher();
  DiskWatcher(const DiskWatcher&) = delete;
  DiskWatcher& operator=(const DiskWatcher&) = delete;

 private:
  DiskWatcher(spec::DiskWatch watch, std::function<void(const std::string&)> exceeded)
      : watch_(std::move(watch)), exceeded_(std::move(exceeded)) {}
  void loop();
  spec::DiskWatch watch_;
  std::function<void(const std::string&)> exceeded_;
  sys::UniqueFd stop_read_, stop_write_;  // a pipe: writable end closed = stop
  std::thread thread_;
};

}  // namespace mcrun::runtime
