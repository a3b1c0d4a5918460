#!/usr/bin/env bash
# podman drives mcrun (podman --runtime ABS_PATH), and for comparison runc,
# through the same scenarios; every observable result must be the same.
# Usage: podman.sh /abs/path/to/mcrun
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
mcrun=$(realpath "$1")
work=$(mktemp -d /var/tmp/mcrun-podman-XXXXXX)
trap 'podman rm -a -f >/dev/null 2>&1; podman rmi -a -f >/dev/null 2>&1; rm -rf "$work"' EXIT

# Private configuration: cgroupfs (no systemd here), file events, vfs storage,
# no network, and ulimits below this machine's hard limits (root lacks
# CAP_SYS_RESOURCE, so podman's defaults would fail with EPERM).
cat > "$work/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
netns = "none"
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
[engine.runtimes]
mcrun = ["$mcrun"]
CONF
cat > "$work/storage.conf" <<CONF
[storage]
driver = "vfs"
runroot = "$work/runroot"
graphroot = "$work/graphroot"
CONF
export CONTAINERS_CONF=$work/containers.conf CONTAINERS_STORAGE_CONF=$work/storage.conf

make_rootfs "$work/rootfs"
tar -C "$work/rootfs" -c . | podman import - localhost/busybox:e2e >/dev/null || { echo "FAIL podman import"; exit 1; }
mkdir -p "$work/vol" && echo original > "$work/vol/file"

for runtime in "$mcrun" /usr/sbin/runc; do
  name=$(basename "$runtime")
  p() { timeout 60 podman --runtime "$runtime" "$@"; }
  check "$name: run --rm echo" "hello" "$(p run --rm localhost/busybox:e2e echo hello 2>&1)"
  p run --rm localhost/busybox:e2e sh -c 'exit 7' >/dev/null 2>&1
  check "$name: exit code" "7" "$?"
  p run -d --name d1 localhost/busybox:e2e sh -c 'trap "exit 3" TERM; while true; do sleep 0.1; done' >/dev/null
  check "$name: detached run is running" "running" "$(p inspect -f '{{.State.Status}}' d1)"
  check "$name: exec" "exec-ok" "$(p exec d1 echo exec-ok 2>&1)"
  check "$name: exec sees the container's pid 1" "sh" "$(p exec d1 cat /proc/1/comm 2>&1)"
  check "$name: exec exit code" "5" "$(p exec d1 sh -c 'exit 5' >/dev/null 2>&1; echo $?)"
  check "$name: exec with tty" "tty-ok" "$(script -qec "podman --runtime $runtime exec -t d1 sh -c 'test -t 0 && echo tty-ok'" /dev/null | tr -d '\r')"
  p pause d1 >/dev/null
  check "$name: pause" "paused" "$(p inspect -f '{{.State.Status}}' d1)"
  p unpause d1 >/dev/null
  check "$name: unpause" "running" "$(p inspect -f '{{.State.Status}}' d1)"
  check "$name: top" "1" "$(p top d1 pid | sed -n 2p | tr -d ' ')"
  p stop -t 5 d1 >/dev/null
  check "$name: stop (TERM) exit code" "3" "$(p inspect -f '{{.State.ExitCode}}' d1)"
  p rm d1 >/dev/null
  p run -d --name k1 localhost/busybox:e2e sleep 1000 >/dev/null
  p kill k1 >/dev/null
  p wait k1 >/dev/null 2>&1
  check "$name: kill" "exited" "$(p inspect -f '{{.State.Status}}' k1)"
  p rm k1 >/dev/null
  check "$name: :ro volume rejects writes" "Read-only file system" \
    "$(p run --rm -v "$work/vol:/vol:ro" localhost/busybox:e2e sh -c 'echo x > /vol/file' 2>&1 | grep -o 'Read-only file system')"
  check "$name: :ro volume unchanged" "original" "$(cat "$work/vol/file")"
  check "$name: --tmpfs keeps the image's files (tmpcopyup)" "image-etc" \
    "$(p run --rm --tmpfs /etc localhost/busybox:e2e sh -c 'grep -q root /etc/passwd && echo image-etc' 2>&1)"
  check "$name: --read-only" "ro tmp-ok" \
    "$(p run --rm --read-only localhost/busybox:e2e sh -c 'touch /x 2>/dev/null || echo -n "ro "; touch /tmp/x && echo tmp-ok' 2>&1)"
  check "$name: --memory and --pids-limit seen inside" "67108864 50" \
    "$(p run --rm --memory 64m --pids-limit 50 localhost/busybox:e2e sh -c 'echo $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max)' 2>&1)"
  # podman 4 writes "pids": {"limit": 0} (ociVersion 1.0.2-dev) for -1.
  check "$name: --pids-limit -1 is no limit" "max" \
    "$(p run --rm --pids-limit -1 localhost/busybox:e2e cat /sys/fs/cgroup/pids/pids.max 2>&1)"
  check "$name: --uidmap" "0 100000 65536" \
    "$(p run --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 localhost/busybox:e2e sh -c 'echo $(cat /proc/self/uid_map)' 2>&1)"
  check "$name: --rm leaves no container" "" "$(p ps -a -q)"
done
# A volume with podman's ":idmap" in a user-namespaced container (what
# Kubernetes' user-namespaced pods ask for): the volume's files are the
# container root's, and what it writes is on-disk root's. Debian's runc
# 1.1.5 predates id-mapped mounts and ignores them (65534, and the write is
# denied), so this one is mcrun's alone.
mkdir -p "$work/idvol" && echo x > "$work/idvol/file"
check "mcrun: :idmap volume in a user namespace" "0 0" \
  "$(timeout 60 podman --runtime "$mcrun" run --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 \
     -v "$work/idvol:/vol:idmap" localhost/busybox:e2e sh -c 'stat -c "%u %g" /vol/file; touch /vol/new' 2>&1)"
check "mcrun: :idmap volume write is on-disk root's" "0 0" "$(stat -c '%u %g' "$work/idvol/new" 2>&1)"
check "mcrun: no state left" "" "$(ls /run/mcrun 2>/dev/null)"
check "mcrun: no mounts left" "" "$(grep "$work" /proc/self/mountinfo)"
finish
