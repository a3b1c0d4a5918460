#include "spec/field_table.hpp"

namespace mcrun::spec {

bool Unknown::contains(std::string_view key) const {
  for (const auto& [k, v] : members)
    if (k == key) return true;
  return false;
}

namespace fields {

Unknown unknown_of(const Json& extra) {
  Unknown u;
  for (const auto& [k, v] : extra.items()) u.members.emplace_back(k, v.dump());
  return u;
}

// Unknown members come last; a known key is never overwritten by them. Their
// text came from a parsed document, so it parses again.
void merge_unknown(Json& j, const Unknown& extra) {
  for (const auto& [k, text] : extra.members)
    if (!j.contains(k)) j[k] = Json::parse(text, nullptr, /*allow_exceptions=*/false);
}

bool wrong(const Json& v, bool ok, const char* expected, const std::string& ptr, Problems& p) {
  if (!ok) p.push_back({ptr, "must be " + std::string(expected) + ", not " + json_type_name(v)});
  return !ok;
}

}  // namespace fields
}  // namespace mcrun::spec
