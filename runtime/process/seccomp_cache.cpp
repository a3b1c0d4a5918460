#include "runtime/process/seccomp_cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "runtime/sys/syscalls.hpp"
#include "spec/json.hpp"

namespace mcrun::runtime {
namespace {

constexpr const char* kCacheDir = ".cache/seccomp";
constexpr std::string_view kMagic = "mcrun-seccomp-cache 1\n";

// Everything the compiled program depends on: the profile, the compiler
// (this binary, with its libseccomp) and the kernel (its seccomp API level).
std::string cache_key(const spec::Seccomp& s) {
  struct stat st {};
  (void)::stat("/proc/self/exe", &st);
  struct utsname u {};
  (void)::uname(&u);
  return std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + " " + u.release + " " + u.machine + "\n" +
         spec::emit_seccomp(s).dump();
}

std::string file_name(const std::string& key) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string>{}(key));
  return hex;
}

// The file: magic, the key's length and the key, then encode_seccomp's bytes.
std::string entry(const std::string& key, const SeccompProgram& p) {
  return std::string(kMagic) + std::to_string(key.size()) + "\n" + key + encode_seccomp(p);
}

std::optional<SeccompProgram> lookup(int dir, const std::string& name, const std::string& key) {
  auto fd = sys::open_at(dir, name, O_RDONLY);
  if (!fd) return std::nullopt;
  auto text = sys::read_fd(fd->get());
  std::string head = std::string(kMagic) + std::to_string(key.size()) + "\n" + key;
  if (!text || !text->starts_with(head)) return std::nullopt;  // another key, or damaged
  auto program = decode_seccomp(std::string_view(*text).substr(head.size()));
  if (!program) return std::nullopt;
  return std::move(*program);
}

// Past kSeccompCacheEntries the least recently written files go.
void evict(int dir) {
  auto dup = sys::open_at(dir, ".", O_RDONLY | O_DIRECTORY);
  if (!dup) return;
  DIR* d = ::fdopendir(dup->release());
  if (!d) return;
  std::vector<std::pair<int64_t, std::string>> files;
  while (dirent* e = ::readdir(d)) {
    struct stat st;
    if (e->d_type == DT_REG && ::fstatat(dir, e->d_name, &st, 0) == 0)
      files.emplace_back(st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec, e->d_name);
  }
  ::closedir(d);
  if (files.size() <= kSeccompCacheEntries) return;
  std::sort(files.begin(), files.end());
  for (size_t i = 0; i < files.size() - kSeccompCacheEntries; ++i)
    (void)sys::unlink_at(dir, files[i].second);
}

}  // namespace

Result<SeccompProgram> compile_seccomp_cached(const std::string& state_root,
                                              const spec::Seccomp& s) {
  std::string dir_path = state_root + "/" + kCacheDir;
  auto dir = sys::open_at(AT_FDCWD, dir_path, O_RDONLY | O_DIRECTORY);
  std::string key = cache_key(s), name = file_name(key);
  if (dir)
    if (auto hit = lookup(dir->get(), name, key)) return std::move(*hit);
  auto program = compile_seccomp(s);
  if (!program) return program;
  if (!dir && sys::mkdir_p(dir_path, 0700))
    dir = sys::open_at(AT_FDCWD, dir_path, O_RDONLY | O_DIRECTORY);
  if (dir && sys::write_file_atomic(dir->get(), name, entry(key, *program), 0600))
    evict(dir->get());
  return program;
}

}  // namespace mcrun::runtime
