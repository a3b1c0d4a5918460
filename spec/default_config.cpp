// What `mcrun spec` writes: the shape of `runc spec`, so a bundle made for one
// runs on the other. terminal is false so `mcrun run` works without a pty.
#include "spec/config.hpp"

namespace mcrun::spec {

Config default_config() {
  Config c;
  c.oci_version = kOciVersion;
  Process p;
  p.args = {"sh"};
  p.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
  p.cwd = "/";
  std::vector<std::string> caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  p.capabilities = Capabilities{caps, caps, std::nullopt, caps, std::nullopt};
  p.rlimits = {{"RLIMIT_NOFILE", 1024, 1024}};
  p.no_new_privileges = true;
  c.process = std::move(p);
  c.root = Root{"rootfs", true};
  c.hostname = "mcrun";
  auto mnt = [](std::string dest, std::string type, std::string src,
                std::vector<std::string> opts) {
    return Mount{std::move(dest), std::move(type), std::move(src), std::move(opts)};
  };
  c.mounts = {
      mnt("/proc", "proc", "proc", {}),
      mnt("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      mnt("/dev/pts", "devpts", "devpts",
          {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
      mnt("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      mnt("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      mnt("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
      mnt("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}),
  };
  Linux l;
  Resources r;
  r.devices = {DeviceRule{false, std::nullopt, std::nullopt, std::nullopt, "rwm"}};
  l.resources = std::move(r);
  for (const char* ns : {"pid", "network", "ipc", "uts", "mount", "cgroup"})
    l.namespaces.push_back({ns, std::nullopt});
  l.masked_paths = {"/proc/acpi",        "/proc/asound",        "/proc/kcore",
                    "/proc/keys",        "/proc/latency_stats", "/proc/timer_list",
                    "/proc/timer_stats", "/proc/sched_debug",   "/sys/firmware",
                    "/proc/scsi"};
  l.readonly_paths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
  c.linux = std::move(l);
  return c;
}

void make_rootless(Config& c, uint32_t uid, uint32_t gid) {
  if (!c.linux) c.linux = Linux{};
  Linux& l = *c.linux;
  std::erase_if(l.namespaces,
                [](const Namespace& n) { return n.type == "network" || n.type == "user"; });
  l.namespaces.push_back({"user", std::nullopt});
  l.uid_mappings = {{0, uid, 1}};
  l.gid_mappings = {{0, gid, 1}};
  l.resources.reset();
  for (auto& m : c.mounts) {
    if (m.destination == "/sys") {
      m = Mount{"/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"}};
      continue;
    }
    std::erase_if(m.options, [](const std::string& o) {
      return o.starts_with("uid=") || o.starts_with("gid=");
    });
  }
}

}  // namespace mcrun::spec
