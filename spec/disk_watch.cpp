#include "spec/disk_watch.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace mcrun::spec {
namespace {

std::string pointer(const char* key) { return child_pointer("/annotations", key); }

template <typename T>
bool parse_number(const std::string& text, T& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

std::optional<DiskWatch> disk_watch(const std::map<std::string, std::string>& annotations,
                                    Problems& problems) {
  auto path = annotations.find(kDiskPathAnnotation);
  bool any = false;
  for (const char* key : {kDiskLimitAnnotation, kDiskEnforceAnnotation, kDiskIntervalAnnotation})
    if (annotations.contains(key)) any = true;
  if (path == annotations.end()) {
    if (any)
      problems.push_back({pointer(kDiskPathAnnotation),
                          "is required with the other mcrun.disk.* annotations (the directory "
                          "whose usage is watched)"});
    return std::nullopt;
  }
  DiskWatch w;
  w.path = path->second;
  if (w.path.empty() || w.path[0] != '/')
    problems.push_back({pointer(kDiskPathAnnotation), "must be an absolute path"});
  if (auto it = annotations.find(kDiskLimitAnnotation); it != annotations.end()) {
    uint64_t bytes;
    if (!parse_number(it->second, bytes))
      problems.push_back({pointer(kDiskLimitAnnotation), "must be a number of bytes"});
    else
      w.limit = bytes;
  }
  if (auto it = annotations.find(kDiskEnforceAnnotation); it != annotations.end()) {
    if (it->second != "true" && it->second != "false")
      problems.push_back({pointer(kDiskEnforceAnnotation), "must be \"true\" or \"false\""});
    w.enforce = it->second == "true";
    if (w.enforce && !annotations.contains(kDiskLimitAnnotation))
      problems.push_back({pointer(kDiskEnforceAnnotation),
                          "needs " + std::string(kDiskLimitAnnotation) + " (nothing to enforce)"});
  }
  if (auto it = annotations.find(kDiskIntervalAnnotation); it != annotations.end()) {
    double s;
    if (!parse_number(it->second, s) || !std::isfinite(s) || s < 0.001 || s > 86400)
      problems.push_back(
          {pointer(kDiskIntervalAnnotation), "must be seconds between 0.001 and 86400"});
    else
      w.interval = s;
  }
  return w;
}

void add_disk_watch(std::map<std::string, std::string>& annotations, const DiskWatch& w) {
  annotations[kDiskPathAnnotation] = w.path;
  if (w.limit) annotations[kDiskLimitAnnotation] = std::to_string(*w.limit);
  annotations[kDiskEnforceAnnotation] = w.enforce ? "true" : "false";
  char interval[32];
  std::snprintf(interval, sizeof interval, "%g", w.interval);
  annotations[kDiskIntervalAnnotation] = interval;
}

}  // namespace mcrun::spec
