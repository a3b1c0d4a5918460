// JSON type used across mcrun: insertion-ordered so emitted documents keep a
// stable, readable key order (and unknown keys stay where the author put them).
// Include this only where JSON is read or built; headers that merely name the
// type include spec/json_fwd.hpp.
#pragma once

#include <nlohmann/json.hpp>

#include "spec/json_fwd.hpp"
