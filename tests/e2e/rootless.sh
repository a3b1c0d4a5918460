#!/usr/bin/env bash
# Rootless: an ordinary user made for this run drives mcrun, and runc for
# comparison, through rootless podman (its own user namespace from
# /etc/subuid, storage in its home, no cgroups: v1 is not delegated), then
# runs mcrun directly with a multi-range mapping (newuidmap/newgidmap).
# crun 1.8 cannot take part here: it refuses this host's hybrid cgroup
# layout, and an unprivileged user cannot unmount the cgroup2 mount for it.
# Usage: rootless.sh /abs/path/to/mcrun
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
mcrun=$(realpath "$1")
user=mcrunrl$$
useradd -m -s /bin/bash "$user" || { echo "FAIL useradd"; exit 1; }
uid=$(id -u "$user")
home=$(getent passwd "$user" | cut -d: -f6)
xdg=/run/user/$uid
mkdir -p "$xdg" && chown "$user:" "$xdg" && chmod 700 "$xdg"
# The binary where the user can run it (the build tree may be root's only).
install -m 755 "$mcrun" "$home/mcrun"
cleanup() {
  as podman rm -a -f >/dev/null 2>&1
  as podman system reset -f >/dev/null 2>&1
  pkill -u "$user" >/dev/null 2>&1
  sleep 0.2
  userdel -r "$user" >/dev/null 2>&1
  rm -rf "$xdg"
}
trap cleanup EXIT
as() { setpriv --reuid="$uid" --regid="$uid" --init-groups --inh-caps=-all \
         env -i HOME="$home" USER="$user" XDG_RUNTIME_DIR="$xdg" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
         sh -c 'cd "$HOME" && exec "$@"' as "$@"; }

mkdir -p "$home/.config/containers"
cat > "$home/.config/containers/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024"]
netns = "none"
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
make_rootfs "$home/rootfs"
mkdir -p "$home/vol" && echo original > "$home/vol/file"
chown -R "$user:" "$home"
as sh -c 'tar -C rootfs -c . | podman import - localhost/busybox:e2e' >/dev/null 2>&1 ||
  { echo "FAIL rootless podman import"; finish; exit 1; }

for runtime in "$home/mcrun" /usr/sbin/runc; do
  name=$(basename "$runtime")
  p() { as timeout 60 podman --runtime "$runtime" "$@" 2>&1 | grep -v 'is not a shared mount'; }
  check "$name: rootless run --rm" "0 $uid" "$(p run --rm localhost/busybox:e2e sh -c 'echo $(id -u) $(awk "NR==1 {print \$2}" /proc/self/uid_map)')"
  check "$name: rootless exit code" "7" "$(as podman --runtime "$runtime" run --rm localhost/busybox:e2e sh -c 'exit 7' >/dev/null 2>&1; echo $?)"
  p run -d --name d1 localhost/busybox:e2e sh -c 'trap "exit 3" TERM; while true; do sleep 0.1; done' >/dev/null
  check "$name: rootless detached run" "running" "$(p inspect -f '{{.State.Status}}' d1)"
  check "$name: rootless exec" "exec-ok" "$(p exec d1 echo exec-ok)"
  check "$name: rootless exec exit code" "5" "$(as podman --runtime "$runtime" exec d1 sh -c 'exit 5' >/dev/null 2>&1; echo $?)"
  p stop -t 5 d1 >/dev/null
  check "$name: rootless stop (TERM)" "3" "$(p inspect -f '{{.State.ExitCode}}' d1)"
  p rm d1 >/dev/null
  check "$name: rootless :ro volume" "Read-only file system" \
    "$(p run --rm -v "$home/vol:/vol:ro" localhost/busybox:e2e sh -c 'echo x > /vol/file' | grep -o 'Read-only file system')"
  check "$name: rootless :ro volume unchanged" "original" "$(cat "$home/vol/file")"
  check "$name: rootless volume written as the user" "$uid" \
    "$(p run --rm -v "$home/vol:/vol" localhost/busybox:e2e sh -c 'echo y > /vol/new' >/dev/null; stat -c %u "$home/vol/new")"
  rm -f "$home/vol/new"
  check "$name: rootless --rm leaves no container" "" "$(p ps -a -q)"
done

# mcrun itself as the user: root mapped to the user and 65536 ids from
# /etc/subuid, written by newuidmap/newgidmap.
sub_start=$(awk -F: -v u="$user" '$1 == u {print $2}' /etc/subuid)
subg_start=$(awk -F: -v u="$user" '$1 == u {print $2}' /etc/subgid)
mkdir -p "$home/b" && cp -a "$home/rootfs" "$home/b/rootfs" && chown -R "$user:" "$home/b"
as sh -c 'cd b && ../mcrun spec --rootless'
gid=$(id -g "$user")
python3 - "$home/b/config.json" "$uid" "$sub_start" "$gid" "$subg_start" <<'PY'
import json, sys
path, uid, sub, gid, subg = sys.argv[1], *map(int, sys.argv[2:])
c = json.load(open(path))
c["process"]["args"] = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map | tr -s ' ' | tr '\\n' ';'; touch /dev/shm/f && chown 1000:1000 /dev/shm/f && stat -c %u:%g /dev/shm/f"]
for caps in c["process"]["capabilities"].values():
    caps.append("CAP_CHOWN")
for key, own, first in (("uidMappings", uid, sub), ("gidMappings", gid, subg)):
    c["linux"][key] = [{"containerID": 0, "hostID": own, "size": 1},
                       {"containerID": 1, "hostID": first, "size": 65536}]
json.dump(c, open(path, "w"))
PY
check "mcrun: multi-range mapping through newuidmap/newgidmap" \
  " 0 $uid 1; 1 $sub_start 65536; 0 $gid 1; 1 $subg_start 65536;1000:1000" \
  "$(as sh -c 'cd b && ../mcrun run c1' 2>&1)"
check "mcrun: rootless state under XDG_RUNTIME_DIR, nothing left" "" "$(ls "$xdg/mcrun" 2>/dev/null)"
check "mcrun: no state in /run/mcrun from the user" "" "$(ls /run/mcrun 2>/dev/null | grep c1)"
finish
