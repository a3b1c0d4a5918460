#include "runtime/sealed_exe.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/sealed_view.hpp"
#include "runtime/sys/raw.hpp"
#include "runtime/sys/syscalls.hpp"

#ifndef MFD_EXEC
#define MFD_EXEC \
  0x0010U  // Linux 6.3: an executable memfd even where vm.memfd_noexec says otherwise
#endif

namespace mcrun::runtime {
namespace {

using sys::UniqueFd;

// Set across the re-exec: if the new image still is not sealed, fail instead
// of exec'ing forever.
constexpr const char* kMarker = "_MCRUN_SEALED_EXE";

Result<UniqueFd> memfd_copy(int exe_fd) {
  int fd = ::memfd_create("mcrun", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) fd = ::memfd_create("mcrun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return fail_errno("memfd_create");
  UniqueFd copy(fd);
  auto st = sys::stat_fd(exe_fd);
  if (!st) return std::unexpected(st.error());
  for (off_t off = 0; off < st->st_size;) {
    ssize_t n = ::sendfile(copy.get(), exe_fd, &off, static_cast<size_t>(st->st_size - off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail_errno("copy /proc/self/exe into a memfd");
  }
  if (::fcntl(copy.get(), F_ADD_SEALS, early::kWriteSeals) < 0)
    return fail_errno("seal the memfd copy of mcrun");
  return copy;
}

std::vector<char*> env_with_marker(char* const envp[]) {
  static std::string marker = std::string(kMarker) + "=1";
  std::vector<char*> env;
  for (char* const* e = envp; *e; ++e) env.push_back(*e);
  env.push_back(marker.data());
  env.push_back(nullptr);
  return env;
}

}  // namespace

bool self_exe_is_sealed() {
  auto self = sys::open_path("/proc/self/exe", O_RDONLY);
  return self && early::fd_is_sealed(self->get());
}

Result<> reexec_sealed(char* const argv[], char* const envp[]) {
  auto self = sys::open_path("/proc/self/exe", O_RDONLY);
  if (!self) return std::unexpected(self.error());
  bool again = std::getenv(kMarker) != nullptr;
  ::unsetenv(kMarker);  // nothing mcrun starts should see it
  if (early::fd_is_sealed(self->get())) return {};
  if (again) return fail("mcrun's own binary is still writable after re-executing it sealed");
  auto env = env_with_marker(envp);
  if (!early::env_forces_memfd(envp)) early::exec_own_view(argv, env.data());
  auto copy = memfd_copy(self->get());
  if (!copy)
    return std::unexpected(
        std::move(copy.error()).context("protect mcrun's binary (CVE-2019-5736)"));
  return std::unexpected(std::move(sys::execve_fd(copy->get(), argv, env.data()).error())
                             .context("protect mcrun's binary (CVE-2019-5736)"));
}

}  // namespace mcrun::runtime
