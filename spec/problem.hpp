// A problem found in a document: where (a JSON pointer) and what. Validation
// collects them all and reports them together, in document order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mcrun::spec {

struct Problem {
  std::string pointer;  // JSON pointer, "" for the document itself
  std::string message;  // a sentence fragment: "must be an absolute path"
  bool operator==(const Problem&) const = default;
};
using Problems = std::vector<Problem>;

// Appends an RFC 6901 reference token ("~" -> "~0", "/" -> "~1").
std::string child_pointer(std::string_view parent, std::string_view key);
std::string child_pointer(std::string_view parent, size_t index);

// Renders problems as lines "<file>: <pointer>: <message>".
std::string format_problems(std::string_view file, const Problems& problems);

// `inner` is `outer` or lies below it, by whole components ("/mounts/10" is
// not below "/mounts/1").
bool pointer_within(std::string_view inner, std::string_view outer);
// Document order of pointers: component by component, array indices as numbers.
bool pointer_less(std::string_view a, std::string_view b);
void sort_problems(Problems& problems);

}  // namespace mcrun::spec
