// Config -> config.json, driven by spec/config_fields.hpp: known members in
// spec order, then unknown ones.
#include "spec/config.hpp"
#include "spec/config_fields.hpp"

namespace mcrun::spec {

Json emit_config(const Config& c) { return fields::encode(c); }

Json emit_seccomp(const Seccomp& s) { return fields::encode(s); }

std::vector<Hook>& Hooks::of(HookPhase phase) {
  switch (phase) {
    case HookPhase::Prestart:
      return prestart;
    case HookPhase::CreateRuntime:
      return create_runtime;
    case HookPhase::CreateContainer:
      return create_container;
    case HookPhase::StartContainer:
      return start_container;
    case HookPhase::Poststart:
      return poststart;
    case HookPhase::Poststop:
      break;
  }
  return poststop;
}

const std::vector<Hook>& Hooks::of(HookPhase phase) const {
  return const_cast<Hooks*>(this)->of(phase);
}

const Namespace* Linux::find_namespace(std::string_view type) const {
  for (const auto& n : namespaces)
    if (n.type == type) return &n;
  return nullptr;
}

}  // namespace mcrun::spec
