// The JSON type's name alone, for headers that only mention it in
// declarations: nlohmann's full header costs about a second of compile time
// in every translation unit that includes it.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace mcrun {
using Json = nlohmann::ordered_json;
}
