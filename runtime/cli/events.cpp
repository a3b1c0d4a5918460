// mcrun events: resource usage as runc prints it (--stats: once), else a
// stream of stats every --interval and an "oom" event whenever the memory
// limit killed a process, until the container stops.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "runtime/cli/args.hpp"
#include "runtime/container.hpp"
#include "runtime/disk_usage.hpp"
#include "spec/disk_watch.hpp"
#include "spec/json.hpp"

namespace mcrun::cli {
namespace {

Json stats_event(const std::string& id, const runtime::Usage& u) {
  const auto& s = u.stats;
  Json data = {
      {"cpu",
       {{"usage",
         {{"total", s.cpu_total_ns}, {"user", s.cpu_user_ns}, {"kernel", s.cpu_kernel_ns}}}}},
      {"memory",
       {{"usage",
         {{"usage", s.memory_usage}, {"max", s.memory_max_usage}, {"limit", s.memory_limit}}},
        {"oom_kills", s.oom_kills}}},
      {"pids", {{"current", s.pids_current}, {"limit", s.pids_limit}}}};
  if (u.from_proc) data["source"] = "proc";  // POSIX mode: no cgroup
  return {{"type", "stats"}, {"id", id}, {"data", data}};
}

// The sandbox's disk usage where the container has a disk watch (Mesos's
// disk/du: disk_used_bytes and disk_limit_bytes), measured now.
Result<> add_disk_stats(Json& event, const spec::Record& r) {
  spec::Problems problems;
  auto watch = spec::disk_watch(r.state.annotations, problems);
  if (!watch) return {};
  auto used = runtime::disk_usage(watch->path);
  if (!used) return std::unexpected(used.error());
  Json disk = {{"usage", *used}};
  if (watch->limit) disk["limit"] = *watch->limit;
  event["data"]["disk"] = disk;
  return {};
}

Result<double> seconds(const std::string& text) {
  // "5s", "500ms", "2" (seconds), like Go durations for the simple cases.
  char* end;
  double v = std::strtod(text.c_str(), &end);
  std::string unit = end;
  if (end == text.c_str() || v <= 0)
    return fail("--interval: " + quote(text) + " is not a positive duration");
  if (unit.empty() || unit == "s") return v;
  if (unit == "ms") return v / 1000;
  if (unit == "m") return v * 60;
  return fail("--interval: unknown unit in " + quote(text));
}

Result<int> run(const Globals& g, const Args& args) {
  MCRUN_CHECK(expect_positionals(args, 1, events_verb().usage));
  const std::string& id = args.positionals()[0];
  auto monitor = runtime::UsageMonitor::open(g.root, id);
  if (!monitor) return std::unexpected(monitor.error());
  auto first = monitor->sample();
  if (!first) return std::unexpected(first.error());
  if (args.has("stats")) {
    Json event = stats_event(id, *first);
    MCRUN_CHECK(add_disk_stats(event, monitor->record()));
    std::printf("%s\n", event.dump().c_str());
    return 0;
  }
  auto interval = seconds(args.value("interval", "5s"));
  if (!interval) return std::unexpected(interval.error());
  uint64_t ooms = first->stats.oom_kills;
  auto next_stats = std::chrono::steady_clock::now();
  for (;;) {
    auto u = monitor->sample();
    if (!u) return 0;  // stopped (or deleted): the stream ends
    if (u->stats.oom_kills > ooms) {
      ooms = u->stats.oom_kills;
      std::printf("%s\n", Json({{"type", "oom"}, {"id", id}}).dump().c_str());
    }
    if (std::chrono::steady_clock::now() >= next_stats) {
      Json event = stats_event(id, *u);
      if (auto r = add_disk_stats(event, monitor->record()); !r) return std::unexpected(r.error());
      std::printf("%s\n", event.dump().c_str());
      next_stats += std::chrono::milliseconds(static_cast<long>(*interval * 1000));
    }
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}
}  // namespace

const Verb& events_verb() {
  static const Verb v{
      "events",
      "resource usage and OOM events of a container",
      "events [--stats] [--interval D] ID",
      {{"stats", {}, false, "print the usage once and exit"},
       {"interval", {}, true, "D  seconds between stats in the stream (default 5s)"}},
      run};
  return v;
}
}  // namespace mcrun::cli
