#include "converters/resources.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace mcrun::converters {

Result<std::map<std::string, double>> parse_resources(std::string_view text) {
  std::map<std::string, double> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(';', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    size_t colon = item.find(':');
    if (colon == std::string_view::npos)
      return fail("--resources: " + quote(item) + " is not NAME:VALUE (e.g. \"cpus:1.5;mem:256\")");
    std::string name(item.substr(0, colon));
    if (auto paren = name.find('('); paren != std::string::npos) name.resize(paren);
    std::string_view value = item.substr(colon + 1);
    if (value.starts_with('[') || value.starts_with('{')) continue;  // ranges, sets
    double v;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || p != value.data() + value.size() || !std::isfinite(v) || v < 0)
      return fail("--resources: " + name + ": " + quote(value) + " is not a non-negative number");
    out[name] = v;
  }
  return out;
}

spec::Resources cgroup_resources(const std::map<std::string, double>& res,
                                 const CgroupIsolators& iso) {
  spec::Resources r;
  if (auto it = res.find("cpus"); iso.cpu && it != res.end()) {
    spec::Cpu c;
    c.shares =
        std::max<uint64_t>(kMinCpuShares, static_cast<uint64_t>(it->second * kCpuSharesPerCpu));
    if (iso.enable_cfs) {
      c.period = kCfsPeriodUs;
      c.quota = std::max<int64_t>(kMinCfsQuotaUs, static_cast<int64_t>(it->second * kCfsPeriodUs));
    }
    r.cpu = c;
  }
  if (auto it = res.find("mem"); iso.mem && it != res.end()) {
    spec::Memory m;
    int64_t bytes =
        std::max<int64_t>(kMinMemoryBytes, static_cast<int64_t>(it->second * 1024 * 1024));  // MB
    m.limit = bytes;
    m.reservation = bytes;
    r.memory = m;
  }
  if (auto it = res.find("pids"); iso.pids && it != res.end())
    r.pids = spec::Pids{.limit = static_cast<int64_t>(it->second)};
  return r;
}

Result<double> parse_duration(std::string_view text) {
  static const std::pair<std::string_view, double> units[] = {
      {"ns", 1e-9}, {"us", 1e-6},  {"ms", 1e-3},    {"secs", 1},
      {"mins", 60}, {"hrs", 3600}, {"days", 86400}, {"weeks", 604800}};
  double v;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  std::string_view unit = text.substr(static_cast<size_t>(p - text.data()));
  if (ec == std::errc() && std::isfinite(v) && v > 0)
    for (const auto& [name, scale] : units)
      if (unit == name) return v * scale;
  return fail(quote(text) +
              " is not a duration like \"15secs\" (units: ns, us, ms, secs, mins, "
              "hrs, days, weeks)");
}

}  // namespace mcrun::converters
