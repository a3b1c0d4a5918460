// config.json -> Config, driven by spec/config_fields.hpp. Type problems are
// collected, never thrown.
#include <algorithm>
#include <cctype>
#include <utility>

#include "spec/config.hpp"
#include "spec/config_fields.hpp"

namespace mcrun::spec {

Config parse_config(const Json& j, Problems& p) {
  return fields::decode<Config>(j, "", p).value_or(Config{});
}

Result<Config> load_config_text(std::string_view text, std::string_view file) {
  auto parsed = parse_json(text, file);
  if (!parsed) return std::unexpected(parsed.error());
  const Json& j = *parsed;
  Problems problems;
  Config c = parse_config(j, problems);
  if (c.linux && c.linux->resources) read_in_current_terms(*c.linux->resources, c.oci_version);
  // Validation runs on what parsed; a member with a type problem would only
  // repeat itself as a semantic one, so those are left out.
  for (auto& v : validate_config(c)) {
    bool shadowed = std::any_of(problems.begin(), problems.end(), [&](const Problem& t) {
      return pointer_within(v.pointer, t.pointer) || pointer_within(t.pointer, v.pointer);
    });
    if (!shadowed) problems.push_back(std::move(v));
  }
  sort_problems(problems);
  if (!problems.empty()) return fail(format_problems(file, problems));
  return c;
}

namespace {

// "1.0.2-dev" -> {1, 0}; {0, 0} for what is no version (validation says so).
std::pair<int, int> major_minor(std::string_view v) {
  int parts[2] = {0, 0};
  size_t i = 0;
  for (int& part : parts) {
    if (i >= v.size() || !std::isdigit(static_cast<unsigned char>(v[i]))) return {0, 0};
    for (; i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])); ++i)
      part = std::min(part * 10 + (v[i] - '0'), 100000);
    if (i < v.size() && v[i] == '.') ++i;
  }
  return {parts[0], parts[1]};
}

}  // namespace

void read_in_current_terms(Resources& r, std::string_view oci_version) {
  if (r.pids && r.pids->limit == 0 && major_minor(oci_version) < std::pair{1, 3})
    r.pids->limit = -1;
}

Result<Resources> load_resources_text(std::string_view text, std::string_view file,
                                      const Resources& current) {
  auto j = parse_json(text, file);
  if (!j) return std::unexpected(j.error());
  Problems problems;
  auto r = fields::decode<Resources>(*j, "", problems);
  if (!problems.empty()) return fail(format_problems(file, problems));
  if (!j->contains("devices")) r->devices = current.devices;
  return *r;
}

Result<Process> load_process_text(std::string_view text, std::string_view file) {
  auto parsed = parse_json(text, file);
  if (!parsed) return std::unexpected(parsed.error());
  const Json& j = *parsed;
  Problems problems;
  if (!j.is_object())
    return fail(std::string(file) + ": /: must be an object, not " + json_type_name(j));
  Json wrapper = {{"ociVersion", kOciVersion}, {"root", {{"path", "/"}}}, {"process", j}};
  Config c = parse_config(wrapper, problems);
  if (problems.empty())
    for (auto& p : validate_config(c))
      if (pointer_within(p.pointer, "/process")) problems.push_back(p);
  for (auto& p : problems)
    p.pointer = p.pointer.substr(std::min<size_t>(p.pointer.size(), 8));  // drop "/process"
  if (!problems.empty()) return fail(format_problems(file, problems));
  return *c.process;
}

}  // namespace mcrun::spec
