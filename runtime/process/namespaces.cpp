#include "runtime/process/namespaces.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "runtime/sys/fd.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {

const char* proc_ns_name(std::string_view type) {
  if (type == "network") return "net";
  if (type == "ipc") return "ipc";
  if (type == "uts") return "uts";
  return nullptr;
}

bool same_namespace(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// "boottime 86400 0\nmonotonic 10 500\n": what /proc/self/timens_offsets takes.
std::string offsets_text(const spec::TimeOffsets& t) {
  std::string text;
  for (const auto& [clock, offset] : t.clocks())
    if (*offset)
      text += std::string(clock) + " " + std::to_string((*offset)->secs.value_or(0)) + " " +
              std::to_string((*offset)->nanosecs.value_or(0)) + "\n";
  return text;
}

}  // namespace

Result<sys::UniqueFd> open_time_offsets(const spec::Config& config) {
  if (!config.linux || !config.linux->time_offsets) return sys::UniqueFd();
  auto file = sys::open_path("/proc/self/timens_offsets", O_WRONLY);
  if (!file) return std::unexpected(std::move(file.error()).context("linux.timeOffsets"));
  return file;
}

Result<> enter_new_time_namespace(int offsets_fd, const std::optional<spec::TimeOffsets>& offsets) {
  if (::unshare(CLONE_NEWTIME) < 0) return fail_errno("unshare the time namespace");
  // One write: the kernel takes all the lines of a write or none of them.
  if (offsets)
    MCRUN_CHECK_CTX(sys::write_all(offsets_fd, offsets_text(*offsets)), "linux.timeOffsets");
  auto ns = sys::open_path("/proc/self/ns/time_for_children", O_RDONLY);
  if (!ns) return std::unexpected(ns.error());
  if (::setns(ns->get(), CLONE_NEWTIME) < 0) return fail_errno("enter the time namespace");
  return {};
}

bool is_runtime_namespace(const std::string& type, const std::string& path) {
  const char* name = proc_ns_name(type);
  return name && same_namespace(path, std::string("/proc/self/ns/") + name);
}

}  // namespace mcrun::runtime
