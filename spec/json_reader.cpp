#include "spec/json_reader.hpp"

#include <algorithm>

namespace mcrun::spec {

std::string json_type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_float:
      return "a fractional number";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "an integer";
    default:
      return "an unsupported value";
  }
}

Result<Json> parse_json(std::string_view text, std::string_view name,
                        const Json::parser_callback_t& keep) {
  // nlohmann's parser recurses per level: refuse absurd nesting before it
  // can matter for the stack (no real document nests beyond ~10).
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char ch : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (ch == '\\')
        escaped = true;
      else if (ch == '"')
        in_string = false;
    } else if (ch == '"')
      in_string = true;
    else if (ch == '{' || ch == '[')
      max_depth = std::max(max_depth, ++depth);
    else if (ch == '}' || ch == ']')
      --depth;
  }
  if (max_depth > 64) return fail(std::string(name) + ": nested deeper than 64 levels");
  try {
    return Json::parse(text, keep);
  } catch (const Json::exception& e) {
    // Every nlohmann error (parse_error, out_of_range for "1e999", ...):
    // "[json.exception.parse_error.101] parse error at ..." -> after "] ".
    std::string what = e.what();
    auto pos = what.find("] ");
    return fail(std::string(name) +
                ": invalid JSON: " + (pos == std::string::npos ? what : what.substr(pos + 2)));
  }
}

ObjectReader::ObjectReader(const Json& j, std::string pointer, Problems& problems)
    : pointer_(std::move(pointer)), problems_(problems) {
  if (j.is_object())
    object_ = &j;
  else
    problems_.push_back({pointer_, "must be an object, not " + json_type_name(j)});
}

const Json* ObjectReader::member(std::string_view key, bool required) {
  if (!object_) return nullptr;
  known_.emplace(key);
  auto it = object_->find(key);
  // A JSON null reads as "absent", as Go-based runtimes treat it.
  if (it == object_->end() || it->is_null()) {
    if (required) problems_.push_back({at(key), "is required"});
    return nullptr;
  }
  return &*it;
}

void ObjectReader::wrong_type(std::string_view key, const Json& j, std::string_view expected) {
  problems_.push_back({at(key), "must be " + std::string(expected) + ", not " + json_type_name(j)});
}

std::optional<std::string> ObjectReader::string(std::string_view key, bool required) {
  const Json* j = member(key, required);
  if (!j) return std::nullopt;
  if (!j->is_string()) return wrong_type(key, *j, "a string"), std::nullopt;
  return j->get<std::string>();
}

std::optional<bool> ObjectReader::boolean(std::string_view key, bool required) {
  const Json* j = member(key, required);
  if (!j) return std::nullopt;
  if (!j->is_boolean()) return wrong_type(key, *j, "a boolean"), std::nullopt;
  return j->get<bool>();
}

template <class Int>
std::optional<Int> ObjectReader::integer(std::string_view key, bool required) {
  const Json* j = member(key, required);
  if (!j) return std::nullopt;
  return read_integer<Int>(*j, at(key), problems_);
}

std::optional<uint32_t> ObjectReader::u32(std::string_view key, bool required) {
  return integer<uint32_t>(key, required);
}
std::optional<int32_t> ObjectReader::i32(std::string_view key, bool required) {
  return integer<int32_t>(key, required);
}
std::optional<int64_t> ObjectReader::i64(std::string_view key, bool required) {
  return integer<int64_t>(key, required);
}
std::optional<uint64_t> ObjectReader::u64(std::string_view key, bool required) {
  return integer<uint64_t>(key, required);
}

std::optional<std::vector<std::string>> ObjectReader::strings(std::string_view key, bool required) {
  const Json* j = member(key, required);
  if (!j) return std::nullopt;
  if (!j->is_array()) return wrong_type(key, *j, "an array of strings"), std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < j->size(); ++i) {
    const Json& e = (*j)[i];
    if (e.is_string())
      out.push_back(e.get<std::string>());
    else {
      problems_.push_back(
          {child_pointer(at(key), i), "must be a string, not " + json_type_name(e)});
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::map<std::string, std::string>> ObjectReader::string_map(std::string_view key) {
  const Json* j = member(key, false);
  if (!j) return std::nullopt;
  if (!j->is_object()) return wrong_type(key, *j, "an object of strings"), std::nullopt;
  std::map<std::string, std::string> out;
  bool ok = true;
  for (const auto& [k, v] : j->items()) {
    if (v.is_string())
      out.emplace(k, v.get<std::string>());
    else {
      problems_.push_back(
          {child_pointer(at(key), k), "must be a string, not " + json_type_name(v)});
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

const Json* ObjectReader::object(std::string_view key, bool required) {
  const Json* j = member(key, required);
  if (!j) return nullptr;
  if (!j->is_object()) return wrong_type(key, *j, "an object"), nullptr;
  return j;
}

const Json* ObjectReader::array(std::string_view key, bool required) {
  const Json* j = member(key, required);
  if (!j) return nullptr;
  if (!j->is_array()) return wrong_type(key, *j, "an array"), nullptr;
  return j;
}

Json ObjectReader::extra() const {
  Json out = Json::object();
  if (!object_) return out;
  for (const auto& [k, v] : object_->items())
    if (!known_.contains(k)) out[k] = v;
  return out;
}

}  // namespace mcrun::spec
