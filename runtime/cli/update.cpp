// mcrun update: change the resource limits of a live container.
#include <unistd.h>

#include <cstdlib>

#include "runtime/cli/args.hpp"
#include "runtime/container.hpp"
#include "runtime/sys/syscalls.hpp"

namespace mcrun::cli {
namespace {

Result<int64_t> number(const Args& args, const std::string& flag) {
  std::string v = args.value(flag);
  char* end;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end) return fail("--" + flag + ": " + quote(v) + " is not a number");
  return n;
}

Result<int> run(const Globals& g, const Args& args) {
  MCRUN_CHECK(expect_positionals(args, 1, update_verb().usage));
  const std::string& id = args.positionals()[0];
  for (const char* rdt : {"l3-cache-schema", "mem-bw-schema"})
    if (args.has(rdt))
      return fail(std::string("--") + rdt + ": linux.intelRdt is not supported by mcrun",
                  EOPNOTSUPP);
  auto current = runtime::container_resources(g.root, id);
  if (!current) return std::unexpected(current.error());
  spec::Resources r = *current;
  if (args.has("resources")) {
    // linux.resources as JSON, from a file or stdin ("-"), like runc.
    std::string file = args.value("resources");
    auto text = file == "-" ? sys::read_fd(STDIN_FILENO) : sys::read_file(file);
    if (!text) return std::unexpected(std::move(text.error()).context("--resources"));
    auto parsed = spec::load_resources_text(*text, "--resources", *current);
    if (!parsed) return std::unexpected(parsed.error());
    r = std::move(*parsed);
  }
  auto set = [&](const char* flag, auto apply) -> Result<> {
    if (!args.has(flag)) return {};
    auto n = number(args, flag);
    if (!n) return std::unexpected(n.error());
    apply(*n);
    return {};
  };
  auto mem = [&]() -> spec::Memory& {
    if (!r.memory) r.memory = spec::Memory{};
    return *r.memory;
  };
  auto cpu = [&]() -> spec::Cpu& {
    if (!r.cpu) r.cpu = spec::Cpu{};
    return *r.cpu;
  };
  MCRUN_CHECK(set("memory", [&](int64_t n) { mem().limit = n; }));
  MCRUN_CHECK(set("memory-reservation", [&](int64_t n) { mem().reservation = n; }));
  MCRUN_CHECK(set("memory-swap", [&](int64_t n) { mem().swap = n; }));
  MCRUN_CHECK(set("pids-limit", [&](int64_t n) { r.pids = spec::Pids{.limit = n}; }));
  MCRUN_CHECK(set("cpu-shares", [&](int64_t n) { cpu().shares = static_cast<uint64_t>(n); }));
  MCRUN_CHECK(set("cpu-quota", [&](int64_t n) { cpu().quota = n; }));
  MCRUN_CHECK(set("cpu-period", [&](int64_t n) { cpu().period = static_cast<uint64_t>(n); }));
  MCRUN_CHECK(
      set("cpu-rt-period", [&](int64_t n) { cpu().realtime_period = static_cast<uint64_t>(n); }));
  MCRUN_CHECK(set("cpu-rt-runtime", [&](int64_t n) { cpu().realtime_runtime = n; }));
  MCRUN_CHECK(set("blkio-weight", [&](int64_t n) {
    if (!r.block_io) r.block_io = spec::BlockIo{};
    r.block_io->weight = static_cast<uint16_t>(n);
  }));
  if (args.has("cpuset-cpus")) cpu().cpus = args.value("cpuset-cpus");
  if (args.has("cpuset-mems")) cpu().mems = args.value("cpuset-mems");
  MCRUN_CHECK_CTX(runtime::update_container(g.root, id, r), "update " + id);
  return 0;
}
}  // namespace

const Verb& update_verb() {
  static const Verb v{
      "update",
      "change the resource limits of a running container",
      "update [options] ID",
      {{"resources", {"r"}, true, "FILE  linux.resources JSON from FILE, or - for stdin"},
       {"memory", {}, true, "BYTES  memory limit"},
       {"memory-reservation", {}, true, "BYTES  memory soft limit"},
       {"memory-swap", {}, true, "BYTES  memory+swap limit"},
       {"pids-limit", {}, true, "N  maximum number of processes (-1: none)"},
       {"cpu-shares", {"cpu-share"}, true, "N  relative cpu weight"},
       {"cpu-quota", {}, true, "USEC  cpu time per period (-1: none)"},
       {"cpu-period", {}, true, "USEC  cpu period"},
       {"cpu-rt-period", {}, true, "USEC  realtime period (cgroup v1)"},
       {"cpu-rt-runtime", {}, true, "USEC  realtime time per period (cgroup v1)"},
       {"cpuset-cpus", {}, true, "LIST  cpus allowed (\"0-1\")"},
       {"cpuset-mems", {}, true, "LIST  memory nodes allowed"},
       {"blkio-weight", {}, true, "N  block io weight (10-1000)"},
       {"l3-cache-schema", {}, true, "SCHEMA  runc's Intel RDT flag: refused (no linux.intelRdt)"},
       {"mem-bw-schema", {}, true, "SCHEMA  runc's Intel RDT flag: refused (no linux.intelRdt)"}},
      run};
  return v;
}
}  // namespace mcrun::cli
