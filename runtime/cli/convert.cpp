// mcrun convert: a Mesos ContainerInfo becomes an OCI bundle (config.json),
// with the sandbox directories its relative volumes need.
#include "converters/convert.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdio>

#include "converters/host_paths.hpp"
#include "converters/seccomp_profile.hpp"
#include "runtime/bundle.hpp"
#include "runtime/cli/args.hpp"
#include "runtime/sys/syscalls.hpp"
#include "spec/json.hpp"
#include "spec/json_reader.hpp"

namespace mcrun::cli {
namespace {

using converters::InputFormat;

struct Input {
  std::string text;
  InputFormat format = InputFormat::Auto;
  std::string name;
};

// FILE|JSON as the Mesos agent flags take it: inline JSON, file:///path, or a path.
Result<Input> read_input(const std::string& value, const std::string& flag) {
  auto first = value.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && value[first] == '{')
    return Input{value, InputFormat::Json, flag};
  std::string path = value.starts_with("file://") ? value.substr(7) : value;
  auto text = sys::read_file(path);
  if (!text) return std::unexpected(std::move(text.error()).context(flag));
  InputFormat fmt = path.ends_with(".yaml") || path.ends_with(".yml") ? InputFormat::Yaml
                    : path.ends_with(".json")                         ? InputFormat::Json
                                                                      : InputFormat::Auto;
  auto slash = path.rfind('/');
  return Input{std::move(*text), fmt, slash == std::string::npos ? path : path.substr(slash + 1)};
}

// linux_info.seccomp.profile_name (or --seccomp-profile): read the profile
// the conversion names and make it linux.seccomp for the container's caps.
Result<> add_seccomp_profile(converters::Conversion& conv) {
  const std::string& path = *conv.seccomp_profile_path;
  auto text = sys::read_file(path);
  if (!text) return std::unexpected(std::move(text.error()).context("seccomp profile"));
  auto json = spec::parse_json(*text, path);
  if (!json) return std::unexpected(json.error());
  spec::Config& c = conv.config;
  std::optional<std::vector<std::string>> caps;
  if (c.process->capabilities) caps = c.process->capabilities->effective;
  auto seccomp = converters::seccomp_from_profile(*json, caps, path);
  if (!seccomp) return std::unexpected(seccomp.error());
  if (!c.linux) c.linux = spec::Linux{};
  c.linux->seccomp = std::move(*seccomp);
  if (auto problems = spec::validate_config(c); !problems.empty())
    return fail(spec::format_problems(path, problems));
  return {};
}

Result<int> run(const Globals&, const Args& args) {
  if (!args.has("work-dir")) return fail("--work-dir DIR is required (the executor's sandbox)");
  if (!args.has("bundle")) return fail("--bundle DIR is required (where config.json is written)");
  converters::ConvertOptions opts;
  opts.isolation = args.value("isolation", converters::kDefaultIsolation);
  if (args.has("resources")) opts.resources = args.value("resources");
  opts.cgroups_enable_cfs = args.has("cgroups-enable-cfs");
  opts.enforce_container_disk_quota = args.has("enforce-container-disk-quota");
  if (args.has("container-disk-watch-interval"))
    opts.container_disk_watch_interval = args.value("container-disk-watch-interval");
  if (args.has("seccomp-config-dir"))
    opts.seccomp_config_dir = runtime::absolute_path(args.value("seccomp-config-dir"));
  if (args.has("seccomp-profile")) opts.seccomp_profile = args.value("seccomp-profile");
  opts.work_dir = runtime::absolute_path(args.value("work-dir"));
  if (args.has("rootfs")) opts.rootfs = runtime::absolute_path(args.value("rootfs"));
  opts.command = args.positionals();
  for (const auto& h : args.all("hook")) {
    auto hook = converters::parse_hook_flag(h);
    if (!hook) return std::unexpected(hook.error());
    opts.hooks.push_back(std::move(*hook));
  }

  // --default-container-info is used whole, and only when no --container-info
  // is given (Mesos never merges the two).
  Input input{R"({"type":"MESOS"})", InputFormat::Json, "container_info"};
  if (args.has("container-info")) {
    auto in = read_input(args.value("container-info"), "--container-info");
    if (!in) return std::unexpected(in.error());
    input = std::move(*in);
  } else if (args.has("default-container-info")) {
    auto in = read_input(args.value("default-container-info"), "--default-container-info");
    if (!in) return std::unexpected(in.error());
    input = std::move(*in);
  }
  opts.input_name = input.name;
  auto info = converters::parse_container_info(input.text, input.format, input.name);
  if (!info) return std::unexpected(info.error());
  if (opts.rootfs) {
    auto st = sys::stat_at(AT_FDCWD, *opts.rootfs, 0);
    if (!st || !S_ISDIR(st->st_mode))
      return fail("--rootfs " + quote(*opts.rootfs) + ": not a directory");
  }
  auto conv = converters::convert(*info, opts);
  if (!conv) return std::unexpected(conv.error());
  if (conv->seccomp_profile_path) MCRUN_CHECK(add_seccomp_profile(*conv));
  auto dirs = converters::check_host_paths(*conv, opts.work_dir, input.name);
  if (!dirs) return std::unexpected(dirs.error());

  // Everything is checked: now, and only now, the host changes.
  std::string bundle = runtime::absolute_path(args.value("bundle"));
  MCRUN_CHECK(sys::mkdir_p(bundle, 0755));
  MCRUN_CHECK(converters::make_sandbox_dirs(opts.work_dir, *dirs));
  auto bundle_fd = sys::open_path(bundle, O_RDONLY | O_DIRECTORY);
  if (!bundle_fd) return std::unexpected(bundle_fd.error());
  MCRUN_CHECK(sys::write_file_atomic(bundle_fd->get(), "config.json",
                                     spec::emit_config(conv->config).dump(2) + "\n", 0644));
  return 0;
}

}  // namespace

const Verb& convert_verb() {
  static const Verb v{
      "convert",
      "convert a Mesos ContainerInfo (JSON or YAML) into an OCI bundle",
      "convert [--container-info FILE|JSON] [--default-container-info FILE|JSON] [--isolation "
      "LIST] "
      "[--resources STRING] [--cgroups-enable-cfs] [--enforce-container-disk-quota] "
      "[--container-disk-watch-interval D] [--seccomp-config-dir DIR] [--seccomp-profile "
      "NAME] --work-dir DIR [--rootfs DIR] --bundle DIR [--hook PHASE=PATH[,ARG...]] [--] COMMAND "
      "[ARG...]",
      {{"container-info",
        {},
        true,
        "FILE|JSON  the ContainerInfo: inline JSON, a path or file:///path (.json, .yaml)"},
       {"default-container-info",
        {},
        true,
        "FILE|JSON  used whole when no --container-info is given"},
       {"isolation", {}, true, "LIST  Mesos isolators (default: filesystem/shared,namespaces/pid)"},
       {"resources",
        {},
        true,
        "STRING  Mesos resources: \"cpus:1.5;mem:256;disk:1024\" (mem and disk in MB)"},
       {"cgroups-enable-cfs",
        {},
        false,
        "cap CPU time at cpus with a CFS quota (the Mesos agent flag of that name)"},
       {"enforce-container-disk-quota",
        {},
        false,
        "with disk/du: kill the task once its sandbox outgrows the disk resource (the Mesos "
        "agent flag of that name)"},
       {"container-disk-watch-interval",
        {},
        true,
        "D  with disk/du: how often the sandbox is measured (default 15secs, as Mesos)"},
       {"seccomp-config-dir",
        {},
        true,
        "DIR  where linux_info.seccomp.profile_name is found (Mesos's --seccomp_config_dir)"},
       {"seccomp-profile",
        {},
        true,
        "NAME  the profile when the ContainerInfo names none (Mesos's --seccomp_profile_name)"},
       {"work-dir", {}, true, "DIR  the executor's sandbox; relative host_paths live under it"},
       {"rootfs",
        {},
        true,
        "DIR  an unpacked image as the container's root (default: the host's /)"},
       {"bundle", {"b"}, true, "DIR  where config.json is written"},
       {"hook", {}, true, "PHASE=PATH[,ARG...]  add an OCI hook (repeatable)"}},
      run};
  return v;
}

}  // namespace mcrun::cli
