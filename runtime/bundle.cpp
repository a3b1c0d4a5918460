#include "runtime/bundle.hpp"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "runtime/sys/syscalls.hpp"

namespace mcrun::runtime {
namespace {
Result<std::string> real_path(const std::string& path, std::string_view what) {
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf)) return fail_errno(std::string(what) + " " + quote(path));
  return std::string(buf);
}
}  // namespace

std::string absolute_path(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char buf[PATH_MAX];
  std::string cwd = ::getcwd(buf, sizeof buf) ? buf : ".";
  return path.empty() || path == "." ? cwd : cwd + "/" + path;
}

Result<Bundle> load_bundle(const std::string& dir) {
  Bundle b;
  auto real = real_path(dir.empty() ? "." : dir, "bundle");
  if (!real) return std::unexpected(real.error());
  b.dir = *real;
  auto text = sys::read_file(b.dir + "/config.json");
  if (!text) return std::unexpected(text.error());
  auto config = spec::load_config_text(*text, "config.json");
  if (!config) return std::unexpected(config.error());
  b.config = std::move(*config);
  const std::string& root = b.config.root->path;
  auto rootfs = real_path(root[0] == '/' ? root : b.dir + "/" + root, "root.path");
  if (!rootfs) return std::unexpected(rootfs.error());
  struct stat st;
  if (::stat(rootfs->c_str(), &st) < 0 || !S_ISDIR(st.st_mode))
    return fail("root.path " + quote(*rootfs) + " is not a directory", ENOTDIR);
  b.rootfs = *rootfs;
  b.host_root = b.rootfs == "/";
  return b;
}

}  // namespace mcrun::runtime
