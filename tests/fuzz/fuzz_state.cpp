// state.json loading. Property: whatever loads, emits and loads back equal.
#include <cstdint>
#include <cstdlib>

#include "spec/json.hpp"
#include "spec/state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mcrun::spec;
  auto r = parse_record(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!r) return 0;
  auto again = parse_record(emit_record(*r).dump());
  if (!again || !(*again == *r)) std::abort();
  return 0;
}
