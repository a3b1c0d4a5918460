#include "converters/volumes.hpp"

#include <algorithm>
#include <climits>

namespace mcrun::converters {
namespace {

using spec::child_pointer;
using spec::Problems;

// True when `a` is `b` or lies below it, by whole components: /tmp is not a
// parent of /tmpfoo (the string-prefix comparison Mesos once made).
bool is_within(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return b.size() <= a.size() && std::equal(b.begin(), b.end(), a.begin());
}

spec::Mount bind_mount(std::string dest, std::string source, bool readonly,
                       const std::optional<std::string>& prop) {
  spec::Mount m{std::move(dest), "bind", std::move(source), {"rbind", readonly ? "ro" : "rw"}};
  if (prop) m.options.push_back(*prop);
  return m;
}

struct Target {
  std::string dest;      // absolute, in the container
  std::string relative;  // for a relative container_path: below the sandbox
};

// container_path: absolute, or relative to the sandbox.
std::optional<Target> target_of(const Volume& v, const VolumeContext& ctx, const std::string& ptr,
                                Problems& p) {
  const std::string& cp = v.container_path;
  if (cp.empty()) return p.push_back({ptr, "must not be empty"}), std::nullopt;
  if (has_dot_components(cp) || normalize(cp) == "/")
    return p.push_back({ptr, quote(cp) + " must be a path below \"/\" without \".\" or \"..\""}),
           std::nullopt;
  Target t;
  if (cp[0] == '/')
    t.dest = normalize(cp);
  else
    t.relative = normalize(cp).substr(1), t.dest = normalize(ctx.sandbox + "/" + cp);
  if (auto why = too_long(t.dest)) return p.push_back({ptr, quote(cp) + " " + *why}), std::nullopt;
  return t;
}

// Where the bind comes from, and what must exist or be made for it.
std::optional<std::string> source_of(const Volume& v, size_t i, const Target& t,
                                     const VolumeContext& ctx, Conversion& out, Problems& p) {
  std::string ptr = child_pointer("/volumes", i);
  if (v.source && !ctx.sources_allowed)
    return p.push_back({ptr + "/source",
                        "volume sources need the filesystem/linux isolator (as Mesos's "
                        "volume/host_path and volume/sandbox_path)"}),
           std::nullopt;
  if (v.source && v.source->kind == VolumeSource::Kind::HostPath) {
    const std::string& hp = v.source->path;
    if (hp.empty() || hp[0] != '/')
      return p.push_back({ptr + "/source/host_path/path", quote(hp) + " must be an absolute path"}),
             std::nullopt;
    out.required.push_back(
        {i, normalize(hp), "source/host_path/path", v.source->propagation == "rshared"});
    return normalize(hp);
  }
  if (v.source) {  // SANDBOX_PATH SELF
    const std::string& sp = v.source->path;
    if (sp.empty() || sp[0] == '/' || has_dot_components(sp))
      return p.push_back(
                 {ptr + "/source/sandbox_path/path",
                  quote(sp) + " must be a relative path in the sandbox, without \".\" or \"..\""}),
             std::nullopt;
    if (!t.relative.empty())
      return p.push_back({ptr + "/container_path",
                          "must be absolute for a SANDBOX_PATH volume (as Mesos: the "
                          "sandbox itself is reachable already)"}),
             std::nullopt;
    out.sandbox_dirs.push_back({i, normalize(sp).substr(1), "", std::nullopt, true});
    return ctx.work_dir + normalize(sp);
  }
  const std::string& hp = *v.host_path;
  if (hp.empty()) return p.push_back({ptr + "/host_path", "must not be empty"}), std::nullopt;
  if (hp[0] == '/') {
    out.required.push_back({i, normalize(hp), "host_path"});
    return normalize(hp);
  }
  if (has_dot_components(hp))
    return p.push_back(
               {ptr + "/host_path",
                quote(hp) + " must stay inside the work dir: \".\" and \"..\" are not allowed"}),
           std::nullopt;
  // Mesos reads a relative host_path as a SANDBOX_PATH SELF volume.
  if (!t.relative.empty())
    return p.push_back({ptr + "/container_path", quote(v.container_path) +
                                                     " must be an absolute path for a relative "
                                                     "host_path (a SANDBOX_PATH volume in Mesos)"}),
           std::nullopt;
  std::string source = ctx.work_dir + normalize(hp);
  if (auto why = too_long(source))
    return p.push_back({ptr + "/host_path", quote(hp) + " " + *why}), std::nullopt;
  out.sandbox_dirs.push_back({i, normalize(hp).substr(1), t.dest, ctx.rootfs});
  return source;
}

// Nested or repeated container paths, and the sandbox itself: sorted by
// components a path's descendants follow it directly, so neighbours suffice.
void check_nesting(const ContainerInfo& info,
                   std::vector<std::pair<std::vector<std::string>, size_t>> dests, Problems& p) {
  std::sort(dests.begin(), dests.end());
  for (size_t k = 1; k < dests.size(); ++k) {
    if (!is_within(dests[k].first, dests[k - 1].first)) continue;
    size_t a = std::min(dests[k].second, dests[k - 1].second),
           b = std::max(dests[k].second, dests[k - 1].second);
    p.push_back({child_pointer("/volumes", b) + "/container_path",
                 quote(info.volumes[b].container_path) + " overlaps volume " + std::to_string(a) +
                     " (" + quote(info.volumes[a].container_path) +
                     "): nested volumes are not supported"});
  }
}

}  // namespace

std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos <= path.size();) {
    size_t end = std::min(path.find('/', pos), path.size());
    if (end > pos) out.emplace_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool has_dot_components(std::string_view path) {
  auto c = components(path);
  return std::any_of(c.begin(), c.end(),
                     [](const std::string& s) { return s == "." || s == ".."; });
}

std::string normalize(std::string_view path) {
  std::string out;
  for (const auto& c : components(path)) out += "/" + c;
  return out.empty() ? "/" : out;
}

std::optional<std::string> too_long(std::string_view path) {
  if (path.size() >= PATH_MAX)
    return "is longer than a path may be (" + std::to_string(PATH_MAX - 1) + " bytes)";
  for (const auto& c : components(path))
    if (c.size() > NAME_MAX)
      return "has a component longer than a file name may be (" + std::to_string(NAME_MAX) +
             " bytes)";
  return std::nullopt;
}

void add_volumes(const ContainerInfo& info, const VolumeContext& ctx, Conversion& out,
                 Problems& p) {
  const bool image = ctx.rootfs.has_value();
  auto sandbox = components(ctx.sandbox);
  std::vector<std::pair<std::vector<std::string>, size_t>> dests;
  for (size_t i = 0; i < info.volumes.size(); ++i) {
    const Volume& v = info.volumes[i];
    std::string ptr = child_pointer("/volumes", i);
    auto t = target_of(v, ctx, ptr + "/container_path", p);
    if (!t) continue;
    auto comps = components(t->dest);
    if (t->relative.empty()) {
      // Mesos counts the sandbox among the volumes: a volume may neither hide
      // it nor sit inside it with an absolute path.
      if (is_within(sandbox, comps))
        p.push_back(
            {ptr + "/container_path", quote(v.container_path) + " would hide the " +
                                          (image ? "sandbox mount " : "work dir ") +
                                          quote(ctx.sandbox) + " from the container" +
                                          (image ? "" : "; choose a --work-dir outside it")});
      else if (is_within(comps, sandbox))
        p.push_back({ptr + "/container_path",
                     quote(v.container_path) + " is inside the " +
                         (image ? "sandbox mount " : "work dir ") + quote(ctx.sandbox) +
                         ": use a container_path relative to the sandbox instead"});
      else if (!image)
        out.required.push_back({i, t->dest, "container_path"});
    } else {
      // The mount point, made in the sandbox (as Mesos's volume isolators do).
      out.sandbox_dirs.push_back({i, t->relative, "", std::nullopt, true});
    }
    dests.emplace_back(comps, i);
    auto source = source_of(v, i, *t, ctx, out, p);
    if (!source) continue;
    bool ro = v.mode == Volume::Mode::RO;
    out.config.mounts.push_back(
        bind_mount(t->dest, *source, ro, v.source ? v.source->propagation : std::nullopt));
  }
  check_nesting(info, std::move(dests), p);
}

}  // namespace mcrun::converters
