// JSON type used across mcrun: insertion-ordered so emitted documents keep a
// stable, readable key order (and unknown keys stay where the author put them).
#pragma once

#include <nlohmann/json.hpp>

namespace mcrun {
using Json = nlohmann::ordered_json;
}
