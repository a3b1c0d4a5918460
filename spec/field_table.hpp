// The machinery behind "one description per field": a struct of the model is
// described once, as a table of (JSON key, member, required?) in emit order,
// and that table drives both reading and writing. Reading collects every
// problem with its JSON pointer and keeps the members nobody asked for in the
// struct's `extra`; writing puts the known members first, in table order, then
// the unknown ones. Private to spec/ (it needs the full JSON header).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "spec/config.hpp"
#include "spec/json.hpp"
#include "spec/json_reader.hpp"

namespace mcrun::spec::fields {

enum class Need { Optional, Required };

template <class S, class M>
struct Field {
  const char* key;
  M S::*member;
  Need need;
};

// An optional member is written when it differs from its default (a set
// optional, a non-empty list, a true bool); a required one always.
template <class S, class M>
constexpr Field<S, M> opt(const char* key, M S::*member) {
  return {key, member, Need::Optional};
}
template <class S, class M>
constexpr Field<S, M> req(const char* key, M S::*member) {
  return {key, member, Need::Required};
}

// Specialised once per struct: `static constexpr auto fields = std::tuple(...)`.
template <class S>
struct Describe;

template <class S>
concept Described = requires {
  Describe<S>::fields;
};

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
std::optional<T> decode(const Json& v, const std::string& ptr, Problems& p);
template <class T>
Json encode(const T& v);

Unknown unknown_of(const Json& extra);
void merge_unknown(Json& j, const Unknown& extra);
bool wrong(const Json& v, bool ok, const char* expected, const std::string& ptr, Problems& p);

// --- reading -----------------------------------------------------------------

template <class T>
struct Decoder {
  static std::optional<T> read(const Json& v, const std::string& ptr, Problems& p) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (wrong(v, v.is_string(), "a string", ptr, p)) return std::nullopt;
      return v.get<std::string>();
    } else if constexpr (std::is_same_v<T, bool>) {
      if (wrong(v, v.is_boolean(), "a boolean", ptr, p)) return std::nullopt;
      return v.get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
      return read_integer<T>(v, ptr, p);
    } else {
      static_assert(Described<T>, "no decoder for this member type");
      ObjectReader r(v, ptr, p);
      if (!r.valid()) return std::nullopt;
      T s;
      std::apply([&](const auto&... f) { (read_field(r, s, f, p), ...); }, Describe<T>::fields);
      s.extra = unknown_of(r.extra());
      return s;
    }
  }

  template <class S, class M>
  static void read_field(ObjectReader& r, S& s, const Field<S, M>& f, Problems& p) {
    const Json* v = r.member(f.key, f.need == Need::Required);
    if (!v) return;
    if constexpr (IsOptional<M>::value) {
      if (auto d = decode<typename M::value_type>(*v, r.at(f.key), p)) s.*f.member = std::move(*d);
    } else {
      if (auto d = decode<M>(*v, r.at(f.key), p)) s.*f.member = std::move(*d);
    }
  }
};

// Every bad element is reported and read as T{}, so that indices (and the
// pointers validation reports) stay those of the document; the problem at
// the element hides anything validation would say about its placeholder.
template <class T>
struct Decoder<std::vector<T>> {
  static std::optional<std::vector<T>> read(const Json& v, const std::string& ptr, Problems& p) {
    const char* expected = std::is_same_v<T, std::string> ? "an array of strings" : "an array";
    if (wrong(v, v.is_array(), expected, ptr, p)) return std::nullopt;
    std::vector<T> out;
    out.reserve(v.size());
    for (size_t i = 0; i < v.size(); ++i)
      out.push_back(decode<T>(v[i], child_pointer(ptr, i), p).value_or(T{}));
    return out;
  }
};

// An object whose members are data: string values (annotations, sysctl) or
// described ones (netDevices).
template <class T>
struct Decoder<std::map<std::string, T>> {
  static std::optional<std::map<std::string, T>> read(const Json& v, const std::string& ptr,
                                                      Problems& p) {
    const char* expected = std::is_same_v<T, std::string> ? "an object of strings" : "an object";
    if (wrong(v, v.is_object(), expected, ptr, p)) return std::nullopt;
    std::map<std::string, T> out;
    bool ok = true;
    for (const auto& [k, e] : v.items()) {
      auto s = decode<T>(e, child_pointer(ptr, k), p);
      if (s)
        out.emplace(k, std::move(*s));
      else
        ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
  }
};

template <class T>
std::optional<T> decode(const Json& v, const std::string& ptr, Problems& p) {
  return Decoder<T>::read(v, ptr, p);
}

// --- writing -----------------------------------------------------------------

template <class T>
Json encode(const T& v) {
  if constexpr (Described<T>) {
    Json j = Json::object();
    auto put = [&](const auto& f) {
      const auto& m = v.*f.member;
      using M = std::remove_cvref_t<decltype(m)>;
      if constexpr (IsOptional<M>::value) {
        if (m) j[f.key] = encode(*m);
      } else if (f.need == Need::Required || !(m == M{})) {
        j[f.key] = encode(m);
      }
    };
    std::apply([&](const auto&... f) { (put(f), ...); }, Describe<T>::fields);
    merge_unknown(j, v.extra);
    return j;
  } else if constexpr (requires { v.begin(); } && !std::is_same_v<T, std::string>) {
    constexpr bool kMap = requires { typename T::mapped_type; };
    Json a = kMap ? Json::object() : Json::array();
    if constexpr (kMap)
      for (const auto& [k, e] : v) a[k] = encode(e);
    else
      for (const auto& e : v) a.push_back(encode(e));
    return a;
  } else {
    return Json(v);
  }
}

}  // namespace mcrun::spec::fields
