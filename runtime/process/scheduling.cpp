#include "runtime/process/scheduling.hpp"

#include <sched.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

#include "spec/names.hpp"

namespace mcrun::runtime {
namespace {

// ioprio(7): the class in the top bits of a 16-bit value, the level below.
constexpr int kIoprioWhoProcess = 1;
constexpr int kIoprioClassShift = 13;

// The kernel's struct sched_attr, second version (with the utilization
// clamps, which the spec gives no values for: 0). linux/sched/types.h
// cannot be used: it defines a sched_param of its own, as glibc does.
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};
static_assert(sizeof(SchedAttr) == 56, "SCHED_ATTR_SIZE_VER1");

constexpr size_t kBitsPerWord = sizeof(unsigned long) * 8;

// The kernel's bitmap of CPUs or memory nodes (sched_setaffinity,
// set_mempolicy): bit n in word n / kBitsPerWord.
std::vector<unsigned long> bitmap_of(const std::vector<uint32_t>& indices) {
  std::vector<unsigned long> words;
  for (uint32_t n : indices) {
    if (n / kBitsPerWord >= words.size()) words.resize(n / kBitsPerWord + 1);
    words[n / kBitsPerWord] |= 1UL << (n % kBitsPerWord);
  }
  return words;
}

Result<> set_io_priority(const spec::IoPriority& io) {
  auto io_class = spec::io_priority_class(io.io_class);
  if (!io_class) return fail("process.ioPriority: unknown class " + quote(io.io_class), EINVAL);
  int value = (*io_class << kIoprioClassShift) | io.priority;
  // No glibc wrapper; 0 names the calling thread.
  if (::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, value) < 0)
    return fail_errno("process.ioPriority: ioprio_set " + io.io_class + " " +
                      std::to_string(io.priority));
  return {};
}

Result<> set_scheduler(const spec::Scheduler& s) {
  auto policy = spec::sched_policy(s.policy);
  if (!policy) return fail("process.scheduler: unknown policy " + quote(s.policy), EINVAL);
  SchedAttr attr{};
  attr.size = sizeof attr;
  attr.sched_policy = static_cast<uint32_t>(*policy);
  for (const auto& name : s.flags)
    if (auto bit = spec::sched_flag(name)) attr.sched_flags |= *bit;
  attr.sched_nice = s.nice.value_or(0);
  attr.sched_priority = static_cast<uint32_t>(s.priority.value_or(0));
  attr.sched_runtime = s.runtime.value_or(0);
  attr.sched_deadline = s.deadline.value_or(0);
  attr.sched_period = s.period.value_or(0);
  // No glibc wrapper (2.36); pid 0 is the calling thread, flags must be 0.
  if (::syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
    return fail_errno("process.scheduler: sched_setattr " + s.policy);
  return {};
}

}  // namespace

Result<> apply_scheduling(const spec::Process& process) {
  if (process.scheduler) MCRUN_CHECK(set_scheduler(*process.scheduler));
  if (process.io_priority) MCRUN_CHECK(set_io_priority(*process.io_priority));
  return {};
}

Result<> apply_personality(const std::optional<spec::Personality>& personality) {
  if (!personality) return {};
  // Validation allows these two; the flags are empty.
  const unsigned long domain = personality->domain == "LINUX32" ? PER_LINUX32 : PER_LINUX;
  if (::personality(domain) < 0)
    return fail_errno("linux.personality: personality " + personality->domain);
  return {};
}

Result<> set_cpu_affinity(const std::optional<std::string>& list, std::string_view field) {
  if (!list || list->empty()) return {};
  auto cpus = spec::parse_cpu_list(*list);
  if (!cpus || cpus->empty()) return fail(std::string(field) + ": not a CPU list", EINVAL);
  // The raw call: glibc's cpu_set_t is fixed at 1024 CPUs, a list may name
  // up to 65535.
  auto mask = bitmap_of(*cpus);
  if (::syscall(SYS_sched_setaffinity, 0, mask.size() * sizeof(unsigned long), mask.data()) < 0)
    return fail_errno(std::string(field) + ": sched_setaffinity " + quote(*list));
  return {};
}

Result<> apply_memory_policy(const std::optional<spec::MemoryPolicy>& policy) {
  if (!policy) return {};
  auto mode = spec::memory_policy_mode(policy->mode);
  if (!mode) return fail("linux.memoryPolicy: unknown mode " + quote(policy->mode), EINVAL);
  for (const auto& f : policy->flags) *mode |= spec::memory_policy_flag(f).value_or(0);
  std::vector<unsigned long> mask;
  if (policy->nodes && !policy->nodes->empty()) {
    auto nodes = spec::parse_cpu_list(*policy->nodes);
    if (!nodes) return fail("linux.memoryPolicy.nodes: not a node list", EINVAL);
    mask = bitmap_of(*nodes);
  }
  // maxnode is one more than the bits given: the kernel drops one (an
  // off-by-one kept since the start; libnuma passes the same).
  const unsigned long maxnode = mask.size() * kBitsPerWord + 1;
  if (::syscall(SYS_set_mempolicy, *mode, mask.empty() ? nullptr : mask.data(),
                mask.empty() ? 0 : maxnode) < 0)
    return fail_errno("linux.memoryPolicy: set_mempolicy " + policy->mode +
                      (policy->nodes ? " " + quote(*policy->nodes) : ""));
  return {};
}

}  // namespace mcrun::runtime
