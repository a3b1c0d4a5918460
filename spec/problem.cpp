#include "spec/problem.hpp"

#include <algorithm>

namespace mcrun::spec {

std::string child_pointer(std::string_view parent, std::string_view key) {
  std::string out(parent);
  out += '/';
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string child_pointer(std::string_view parent, size_t index) {
  return std::string(parent) + "/" + std::to_string(index);
}

bool pointer_within(std::string_view inner, std::string_view outer) {
  return inner.starts_with(outer) &&
         (inner.size() == outer.size() || inner[outer.size()] == '/' || outer.empty());
}

bool pointer_less(std::string_view a, std::string_view b) {
  auto next = [](std::string_view& s) {
    if (!s.empty() && s[0] == '/') s.remove_prefix(1);
    size_t end = s.find('/');
    std::string_view c = s.substr(0, end);
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
    return c;
  };
  auto number = [](std::string_view c) {
    return !c.empty() && c.find_first_not_of("0123456789") == std::string_view::npos;
  };
  while (!a.empty() && !b.empty()) {
    std::string_view x = next(a), y = next(b);
    if (x == y) continue;
    if (number(x) && number(y)) return x.size() != y.size() ? x.size() < y.size() : x < y;
    return x < y;
  }
  return a.empty() && !b.empty();
}

void sort_problems(Problems& problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& x, const Problem& y) {
    return pointer_less(x.pointer, y.pointer);
  });
}

std::string format_problems(std::string_view file, const Problems& problems) {
  std::string out;
  for (const auto& p : problems) {
    if (!out.empty()) out += '\n';
    out += std::string(file) + ": " + (p.pointer.empty() ? "/" : p.pointer) + ": " + p.message;
  }
  return out;
}

}  // namespace mcrun::spec
