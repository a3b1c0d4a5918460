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

namespace {

// "[json.exception.parse_error.101] parse error at ..." -> after "] ".
std::string nlohmann_message(const Json::exception& e) {
  std::string what = e.what();
  auto pos = what.find("] ");
  return pos == std::string::npos ? what : what.substr(pos + 2);
}

}  // namespace

Result<Json> parse_json(std::string_view text, std::string_view name) {
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
    return Json::parse(text);
  } catch (const Json::exception& e) {
    // Every nlohmann error (parse_error, out_of_range for "1e999", ...).
    return fail(std::string(name) + ": invalid JSON: " + nlohmann_message(e));
  }
}

namespace {

// nlohmann's SAX events built into a document, as its own DOM parser does,
// until `stop` names a key.
class PrefixBuilder : public nlohmann::json_sax<Json> {
 public:
  explicit PrefixBuilder(StopAt stop) : stop_(stop) {}
  Json root;
  bool stopped = false;
  std::string error;

  bool null() override { return add(nullptr); }
  bool boolean(bool v) override { return add(v); }
  bool number_integer(number_integer_t v) override { return add(v); }
  bool number_unsigned(number_unsigned_t v) override { return add(v); }
  bool number_float(number_float_t v, const string_t&) override { return add(v); }
  bool string(string_t& v) override { return add(std::move(v)); }
  bool binary(binary_t&) override { return fail_with("binary values are not JSON"); }
  bool start_object(std::size_t) override { return open(Json::object()); }
  bool start_array(std::size_t) override { return open(Json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    int depth = static_cast<int>(open_.size());
    std::string_view parent = keys_.size() >= 2 ? keys_[keys_.size() - 2] : "";
    if (stop_(depth, parent, k)) {
      stopped = true;
      return false;  // sax_parse ends here, with what was built so far
    }
    keys_.back() = k;
    member_ = &(*open_.back())[k];
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const Json::exception& e) override {
    return fail_with(nlohmann_message(e));
  }

 private:
  bool fail_with(std::string message) {
    error = std::move(message);
    return false;
  }
  // Where the next value goes: the root, the member just named, or the end
  // of the open array.
  Json* place() {
    if (open_.empty()) return &root;
    if (open_.back()->is_array()) return &open_.back()->emplace_back();
    return member_;
  }
  template <class V>
  bool add(V&& v) {
    *place() = Json(std::forward<V>(v));
    return true;
  }
  bool open(Json container) {
    if (open_.size() >= 64) return fail_with("nested deeper than 64 levels");
    Json* at = place();
    *at = std::move(container);
    open_.push_back(at);
    keys_.emplace_back();
    return true;
  }
  bool close() {
    open_.pop_back();
    keys_.pop_back();
    return true;
  }
  StopAt stop_;
  std::vector<Json*> open_;        // the containers being filled, outermost first
  std::vector<std::string> keys_;  // the last key named in each open container
  Json* member_ = nullptr;
};

}  // namespace

Result<Json> parse_json_until(std::string_view text, std::string_view name, StopAt stop) {
  PrefixBuilder b(stop);
  bool complete = Json::sax_parse(text.begin(), text.end(), &b);
  if (!complete && !b.stopped)
    return fail(std::string(name) + (b.error.starts_with("nested") ? ": " : ": invalid JSON: ") +
                b.error);
  return std::move(b.root);
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
