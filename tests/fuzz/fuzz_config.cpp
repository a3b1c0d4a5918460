// config.json parser + validator. Property: whatever loads, emits and loads
// back to the same model.
#include <cstdint>
#include <cstdlib>

#include "spec/config.hpp"
#include "spec/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mcrun::spec;
  auto c = load_config_text(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!c) return 0;
  auto again = load_config_text(emit_config(*c).dump());
  if (!again || !(*again == *c)) std::abort();
  return 0;
}
