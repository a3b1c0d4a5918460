// Names the spec defines, for validation (pure tables, no libc lookups).
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace mcrun::spec {

std::span<const std::string_view> capability_names();  // "CAP_CHOWN", ... by number
std::optional<int> capability_number(std::string_view name);
std::span<const std::string_view> rlimit_names();           // "RLIMIT_AS", ...
std::optional<int> rlimit_resource(std::string_view name);  // RLIMIT_* value
std::span<const std::string_view> namespace_types();        // "pid", "network", ...
std::span<const std::string_view> seccomp_actions();        // "SCMP_ACT_ALLOW", ...
std::span<const std::string_view> seccomp_operators();      // "SCMP_CMP_EQ", ...
std::span<const std::string_view> seccomp_arches();         // "SCMP_ARCH_X86_64", ...
std::span<const std::string_view> seccomp_flags();          // "SECCOMP_FILTER_FLAG_LOG", ...
std::span<const std::string_view> propagation_modes();      // "rslave", ...
std::span<const std::string_view> mount_option_names();     // what mcrun understands, for features

bool contains(std::span<const std::string_view> names, std::string_view name);
std::string join_names(std::span<const std::string_view> names);  // "a, b, c"

}  // namespace mcrun::spec
