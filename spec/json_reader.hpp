// Typed reading of a JSON object that collects every problem (with its JSON
// pointer) instead of stopping at the first, and remembers which keys it read
// so unknown properties can be preserved on emit, as the OCI spec requires.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "spec/error.hpp"
#include "spec/json.hpp"
#include "spec/problem.hpp"

namespace mcrun::spec {

// "a string", "an object", ... for "must be X, not Y" messages.
std::string json_type_name(const Json& j);

// Parses JSON text for `name` ("config.json", "--resources", ...): any
// syntax error, number out of range or nesting deeper than 64 levels is an
// error value "<name>: invalid JSON: ...", never an exception.
Result<Json> parse_json(std::string_view text, std::string_view name);

// Parses `text` only up to the first member `stop` names (its depth, 1 for
// the top object's members, and the key of the object holding it at the
// depth above): what came before it is the result, the rest is never
// lexed. For a document whose bulky part is its last member (a record's
// stored config). Errors and the depth limit as parse_json's.
using StopAt = bool (*)(int depth, std::string_view parent_key, std::string_view key);
Result<Json> parse_json_until(std::string_view text, std::string_view name, StopAt stop);

class ObjectReader {
 public:
  ObjectReader(const Json& j, std::string pointer, Problems& problems);

  bool valid() const { return object_ != nullptr; }
  std::string at(std::string_view key) const { return child_pointer(pointer_, key); }

  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<bool> boolean(std::string_view key, bool required = false);
  std::optional<uint32_t> u32(std::string_view key, bool required = false);
  std::optional<int32_t> i32(std::string_view key, bool required = false);
  std::optional<int64_t> i64(std::string_view key, bool required = false);
  std::optional<uint64_t> u64(std::string_view key, bool required = false);
  std::optional<std::vector<std::string>> strings(std::string_view key, bool required = false);
  std::optional<std::map<std::string, std::string>> string_map(std::string_view key);
  // The member itself (nullptr when absent or null; "is required" recorded
  // if it must be there), marked as known.
  const Json* member(std::string_view key, bool required);
  // The member if it is an object/array (a problem is recorded otherwise).
  const Json* object(std::string_view key, bool required = false);
  const Json* array(std::string_view key, bool required = false);

  // Members this reader was never asked for, in document order.
  Json extra() const;

 private:
  void wrong_type(std::string_view key, const Json& j, std::string_view expected);
  template <class Int>
  std::optional<Int> integer(std::string_view key, bool required);

  const Json* object_ = nullptr;
  std::string pointer_;
  Problems& problems_;
  std::set<std::string, std::less<>> known_;
};

// Reads an integer from a JSON value with a range check; nullopt on problem.
template <class Int>
std::optional<Int> read_integer(const Json& j, const std::string& pointer, Problems& problems) {
  constexpr auto lo = std::numeric_limits<Int>::min();
  constexpr auto hi = std::numeric_limits<Int>::max();
  bool ok = false;
  Int out{};
  if (j.is_number_unsigned()) {
    auto v = j.get<uint64_t>();
    if (v <= static_cast<uint64_t>(hi)) ok = true, out = static_cast<Int>(v);
  } else if (j.is_number_integer()) {
    auto v = j.get<int64_t>();
    if constexpr (std::is_signed_v<Int>) {
      if (v >= static_cast<int64_t>(lo) && v <= static_cast<int64_t>(hi))
        ok = true, out = static_cast<Int>(v);
    } else {
      if (v >= 0 && static_cast<uint64_t>(v) <= static_cast<uint64_t>(hi))
        ok = true, out = static_cast<Int>(v);
    }
  }
  if (ok) return out;
  problems.push_back({pointer, "must be an integer between " + std::to_string(lo) + " and " +
                                   std::to_string(hi) +
                                   (j.is_number() ? "" : ", not " + json_type_name(j))});
  return std::nullopt;
}

}  // namespace mcrun::spec
