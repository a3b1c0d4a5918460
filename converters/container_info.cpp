#include "converters/container_info.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>

#include "spec/json_reader.hpp"

namespace mcrun::converters {
namespace {

using spec::child_pointer;
using spec::ObjectReader;
using spec::Problems;

// JSON strings must be UTF-8; YAML text (or its escapes) may not be.
struct NotUtf8 {};

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return false;
    i += len;
  }
  return true;
}

std::string utf8(const std::string& s) {
  if (!valid_utf8(s)) throw NotUtf8{};
  return s;
}

Json yaml_node(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      Json o = Json::object();
      for (const auto& kv : n) o[utf8(kv.first.as<std::string>())] = yaml_node(kv.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      Json a = Json::array();
      for (const auto& e : n) a.push_back(yaml_node(e));
      return a;
    }
    case YAML::NodeType::Scalar: {
      const std::string s = utf8(n.Scalar());
      if (n.Tag() == "!") return s;  // quoted: a string, whatever it looks like
      if (s == "true" || s == "True") return true;
      if (s == "false" || s == "False") return false;
      if (s == "null" || s == "~") return nullptr;
      int64_t i;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
      if (ec == std::errc() && p == s.data() + s.size()) return i;
      uint64_t u;
      auto [p2, ec2] = std::from_chars(s.data(), s.data() + s.size(), u);
      if (ec2 == std::errc() && p2 == s.data() + s.size()) return u;
      double d;
      auto [p3, ec3] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (ec3 == std::errc() && p3 == s.data() + s.size() && !s.empty()) return d;
      return s;
    }
    default:
      return nullptr;
  }
}

// Protobuf JSON writes 64-bit integers as strings ("1024"): accept both.
std::optional<uint64_t> read_u64(const Json& j, const std::string& ptr, Problems& p) {
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    uint64_t v;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return v;
    p.push_back({ptr, "must be an unsigned integer, not " + quote(s)});
    return std::nullopt;
  }
  return spec::read_integer<uint64_t>(j, ptr, p);
}

void reject_unknown(const ObjectReader& r, const std::string& ptr, Problems& p) {
  const Json extra = r.extra();  // items() of a temporary would dangle
  for (const auto& [k, v] : extra.items()) p.push_back({child_pointer(ptr, k), "unknown field"});
}

void not_supported(ObjectReader& r, const std::string& ptr, const char* key, const std::string& why,
                   Problems& p) {
  if (const Json* j = r.object(key)) (void)j, p.push_back({child_pointer(ptr, key), why});
}

std::optional<std::vector<std::string>> capabilities(ObjectReader& r, const std::string& ptr,
                                                     const char* key, Problems& p) {
  const Json* c = r.object(key);
  if (!c) return std::nullopt;
  std::string cptr = child_pointer(ptr, key);
  ObjectReader cr(*c, cptr, p);
  auto caps = cr.strings("capabilities").value_or(std::vector<std::string>{});
  reject_unknown(cr, cptr, p);
  return caps;
}

// HOST_PATH {path, mount_propagation {mode}} or SANDBOX_PATH {type, path}.
std::optional<VolumeSource> volume_source(ObjectReader& vr, const std::string& vptr, Problems& p) {
  const Json* src = vr.object("source");
  if (!src) return std::nullopt;
  std::string sptr = vptr + "/source";
  ObjectReader sr(*src, sptr, p);
  auto type = sr.string("type", true).value_or("");
  VolumeSource out;
  if (type == "HOST_PATH") {
    if (const Json* h = sr.object("host_path")) {
      ObjectReader hr(*h, sptr + "/host_path", p);
      out.path = hr.string("path", true).value_or("");
      if (const Json* mp = hr.object("mount_propagation")) {
        ObjectReader mr(*mp, sptr + "/host_path/mount_propagation", p);
        auto mode = mr.string("mode").value_or("HOST_TO_CONTAINER");
        if (mode == "HOST_TO_CONTAINER")
          out.propagation = "rslave";
        else if (mode == "BIDIRECTIONAL")
          out.propagation = "rshared";
        else
          p.push_back({sptr + "/host_path/mount_propagation/mode",
                       "must be HOST_TO_CONTAINER or BIDIRECTIONAL, not " + quote(mode)});
        reject_unknown(mr, sptr + "/host_path/mount_propagation", p);
      }
      reject_unknown(hr, sptr + "/host_path", p);
    } else {
      p.push_back({sptr + "/host_path", "is required for a HOST_PATH volume"});
    }
  } else if (type == "SANDBOX_PATH") {
    out.kind = VolumeSource::Kind::SandboxPath;
    if (const Json* sb = sr.object("sandbox_path")) {
      ObjectReader br(*sb, sptr + "/sandbox_path", p);
      auto kind = br.string("type").value_or("");
      if (kind == "PARENT")
        p.push_back({sptr + "/sandbox_path/type",
                     "PARENT works for nested containers only, and mcrun runs none"});
      else if (kind != "SELF")
        p.push_back({sptr + "/sandbox_path/type", "must be SELF (or PARENT), not " + quote(kind)});
      out.path = br.string("path", true).value_or("");
      reject_unknown(br, sptr + "/sandbox_path", p);
    } else {
      p.push_back({sptr + "/sandbox_path", "is required for a SANDBOX_PATH volume"});
    }
  } else if (type == "DOCKER_VOLUME" || type == "SECRET" || type == "CSI_VOLUME") {
    p.push_back({sptr + "/type",
                 type + " volumes are not supported by mcrun convert: it has no volume driver, "
                        "secret store or CSI plugin (prepare the files and use HOST_PATH)"});
  } else if (!type.empty()) {
    p.push_back({sptr + "/type", "must be HOST_PATH or SANDBOX_PATH, not " + quote(type)});
  }
  for (const char* other : {"docker_volume", "secret", "csi_volume"})
    (void)sr.object(other);  // reported by type
  reject_unknown(sr, sptr, p);
  return out;
}

std::optional<Volume> read_volume(const Json& j, const std::string& vptr, Problems& p) {
  ObjectReader vr(j, vptr, p);
  if (!vr.valid()) return std::nullopt;
  Volume v;
  v.container_path = vr.string("container_path", true).value_or("");
  v.host_path = vr.string("host_path");
  auto mode = vr.string("mode", true);
  if (mode && *mode == "RO")
    v.mode = Volume::Mode::RO;
  else if (mode && *mode != "RW")
    p.push_back({vptr + "/mode", "must be RW or RO, not " + quote(*mode)});
  not_supported(vr, vptr, "image", "image volumes are not supported by mcrun convert", p);
  v.source = volume_source(vr, vptr, p);
  reject_unknown(vr, vptr, p);
  int given =
      v.host_path.has_value() + (vr.object("image") != nullptr) + (vr.object("source") != nullptr);
  if (given == 0) p.push_back({vptr + "/host_path", "is required (or a source)"});
  if (given > 1) p.push_back({vptr, "only one of host_path, image and source may be set"});
  return v;
}

void read_seccomp(const Json& j, ContainerInfo& info, Problems& p) {
  ObjectReader sr(j, "/linux_info/seccomp", p);
  info.seccomp_profile = sr.string("profile_name");
  info.seccomp_unconfined = sr.boolean("unconfined").value_or(false);
  // As Mesos: exactly one of the two.
  if (info.seccomp_unconfined && info.seccomp_profile)
    p.push_back({"/linux_info/seccomp/profile_name", "must not be set when unconfined is true"});
  if (!info.seccomp_unconfined && !info.seccomp_profile)
    p.push_back({"/linux_info/seccomp/profile_name", "is required unless unconfined is true"});
  reject_unknown(sr, "/linux_info/seccomp", p);
}

void read_linux_info(const Json& j, ContainerInfo& info, Problems& p) {
  ObjectReader lr(j, "/linux_info", p);
  info.bounding_capabilities = capabilities(lr, "/linux_info", "bounding_capabilities", p);
  info.effective_capabilities = capabilities(lr, "/linux_info", "effective_capabilities", p);
  // capability_info (deprecated since Mesos 1.4) is the effective set under
  // its old name, as Mesos's linux/capabilities isolator still takes it;
  // given with effective_capabilities, it fails there too.
  if (auto old = capabilities(lr, "/linux_info", "capability_info", p)) {
    if (info.effective_capabilities)
      p.push_back({"/linux_info/capability_info",
                   "only one of capability_info and effective_capabilities may be set"});
    info.effective_capabilities = std::move(old);
    info.effective_key = "capability_info";
  }
  info.share_pid_namespace = lr.boolean("share_pid_namespace").value_or(false);
  info.ipc_mode = lr.string("ipc_mode");
  if (info.ipc_mode && *info.ipc_mode != "PRIVATE" && *info.ipc_mode != "SHARE_PARENT")
    p.push_back(
        {"/linux_info/ipc_mode", "must be PRIVATE or SHARE_PARENT, not " + quote(*info.ipc_mode)});
  info.shm_size = lr.u32("shm_size");
  info.share_cgroups = lr.boolean("share_cgroups").value_or(true);
  if (const Json* sc = lr.object("seccomp")) read_seccomp(*sc, info, p);
  reject_unknown(lr, "/linux_info", p);
}

std::optional<RLimit> read_rlimit(const Json& j, const std::string& eptr, Problems& p) {
  ObjectReader er(j, eptr, p);
  if (!er.valid()) return std::nullopt;
  RLimit lim;
  lim.type = er.string("type", true).value_or("");
  if (const Json* h = er.member("hard", false)) lim.hard = read_u64(*h, eptr + "/hard", p);
  if (const Json* s = er.member("soft", false)) lim.soft = read_u64(*s, eptr + "/soft", p);
  reject_unknown(er, eptr, p);
  return lim;
}

void read_tty_info(const Json& j, ContainerInfo& info, Problems& p) {
  info.tty = true;
  ObjectReader tr(j, "/tty_info", p);
  if (const Json* ws = tr.object("window_size")) {
    ObjectReader wr(*ws, "/tty_info/window_size", p);
    info.tty_rows = wr.u32("rows", true);
    info.tty_columns = wr.u32("columns", true);
    reject_unknown(wr, "/tty_info/window_size", p);
  }
  reject_unknown(tr, "/tty_info", p);
}

ContainerInfo read_info(const Json& j, Problems& p) {
  ContainerInfo info;
  ObjectReader r(j, "", p);
  if (!r.valid()) return info;
  info.type = r.string("type", true).value_or("MESOS");
  if (!info.type.empty() && info.type != "MESOS") {
    if (info.type == "DOCKER")
      p.push_back({"/type", "DOCKER is not supported: mcrun converts MESOS containers"});
    else
      p.push_back({"/type", "must be MESOS or DOCKER, not " + quote(info.type)});
  }
  if (const Json* vols = r.array("volumes"))
    for (size_t i = 0; i < vols->size(); ++i)
      if (auto v = read_volume((*vols)[i], child_pointer("/volumes", i), p))
        info.volumes.push_back(std::move(*v));
  info.hostname = r.string("hostname");
  not_supported(r, "", "docker", "docker is not supported: mcrun converts MESOS containers", p);
  if (const Json* m = r.object("mesos")) {
    ObjectReader mr(*m, "/mesos", p);
    not_supported(mr, "/mesos", "image",
                  "images are not pulled by mcrun; unpack the image and pass --rootfs DIR", p);
    reject_unknown(mr, "/mesos", p);
  }
  if (const Json* n = r.array("network_infos"); n && !n->empty())
    p.push_back({"/network_infos",
                 "network isolation is not done by mcrun convert; attach it with --hook "
                 "createRuntime=..."});
  if (const Json* l = r.object("linux_info")) read_linux_info(*l, info, p);
  if (const Json* rl = r.object("rlimit_info")) {
    ObjectReader rr(*rl, "/rlimit_info", p);
    if (const Json* list = rr.array("rlimits"))
      for (size_t i = 0; i < list->size(); ++i)
        if (auto lim = read_rlimit((*list)[i], child_pointer("/rlimit_info/rlimits", i), p))
          info.rlimits.push_back(std::move(*lim));
    reject_unknown(rr, "/rlimit_info", p);
  }
  if (const Json* t = r.object("tty_info")) read_tty_info(*t, info, p);
  reject_unknown(r, "", p);
  return info;
}

bool looks_like_json(std::string_view text) {
  auto pos = text.find_first_not_of(" \t\r\n");
  return pos != std::string_view::npos && (text[pos] == '{' || text[pos] == '[');
}

}  // namespace

Result<Json> yaml_to_json(std::string_view text) {
  try {
    return yaml_node(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    return fail("invalid YAML: " + std::string(e.what()));
  } catch (const NotUtf8&) {
    return fail("invalid YAML: the text is not valid UTF-8");
  }
}

Result<ContainerInfo> parse_container_info(std::string_view text, InputFormat format,
                                           std::string_view name) {
  if (format == InputFormat::Auto)
    format = looks_like_json(text) ? InputFormat::Json : InputFormat::Yaml;
  Json j;
  if (format == InputFormat::Json) {
    auto parsed = spec::parse_json(text, name);
    if (!parsed) return std::unexpected(parsed.error());
    j = std::move(*parsed);
  } else {
    auto y = yaml_to_json(text);
    if (!y) return std::unexpected(std::move(y.error()).context(name));
    j = std::move(*y);
  }
  Problems p;
  ContainerInfo info = read_info(j, p);
  if (!p.empty()) return fail(spec::format_problems(name, p));
  return info;
}

}  // namespace mcrun::converters
