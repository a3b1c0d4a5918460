#include "runtime/process/keyring.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>

#include "runtime/sys/raw.hpp"

namespace mcrun::runtime {
namespace {
// keyctl(2)'s permission bits (linux/key.h, not exported to user space).
constexpr uint32_t kPossessorAll = 0x3f000000;
constexpr uint32_t kUserSearch = 0x00080000;
constexpr uint32_t kOtherSearch = 0x00000008;
}  // namespace

std::string new_container_keyring_name(const std::string& id) {
  uint64_t random = 0;
  // A short read leaves zeros: the name is still the container's own.
  (void)::getrandom(&random, sizeof random, 0);
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(random));
  return "_ses." + id + "." + suffix;
}

Result<> join_container_keyring(const std::string& name, bool user_namespace) {
  auto key = sys::join_session_keyring(name);
  if (!key && key.error().code == ENOSYS) return {};
  if (!key && key.error().code == EDQUOT)
    return fail(
        "a session keyring of the container's own: the user's key quota is used up "
        "(/proc/sys/kernel/keys/maxkeys, or root_maxkeys for root); raise it, or pass "
        "--no-new-keyring",
        EDQUOT);
  if (!key) return std::unexpected(key.error());
  return sys::set_key_permissions(*key,
                                  kPossessorAll | (user_namespace ? kOtherSearch : kUserSearch));
}

}  // namespace mcrun::runtime
