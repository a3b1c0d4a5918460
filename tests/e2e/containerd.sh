#!/usr/bin/env bash
# containerd (ctr, the runc v2 shim) drives mcrun (--runc-binary ABS_PATH),
# and for comparison runc, through the same scenarios.
# Usage: containerd.sh /abs/path/to/mcrun
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
mcrun=$(realpath "$1")
work=$(mktemp -d /var/tmp/mcrun-containerd-XXXXXX)
sock=$work/containerd.sock
cleanup() {
  for t in $(ctr -a "$sock" task ls -q 2>/dev/null); do ctr -a "$sock" task kill -s 9 "$t"; ctr -a "$sock" task rm -f "$t"; done >/dev/null 2>&1
  for c in $(ctr -a "$sock" c ls -q 2>/dev/null); do ctr -a "$sock" c rm "$c"; done >/dev/null 2>&1
  [ -n "${ctrd:-}" ] && kill "$ctrd" && wait "$ctrd" 2>/dev/null
  grep "$work" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# A private containerd: its own root, state and socket, the CRI plugin off.
cat > "$work/config.toml" <<CONF
version = 2
root = "$work/root"
state = "$work/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
CONF
containerd --config "$work/config.toml" > "$work/containerd.log" 2>&1 &
ctrd=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
c() { timeout 60 ctr -a "$sock" "$@"; }

make_image_archive "$work" busybox='"Cmd":["sh"]'
c images import "$work/images.tar" >/dev/null || { echo "FAIL ctr images import"; exit 1; }
mkdir -p "$work/vol" && echo original > "$work/vol/file"
img=localhost/busybox:e2e

for runtime in "$mcrun" /usr/sbin/runc; do
  name=$(basename "$runtime")
  r=(--runc-binary "$runtime")
  check "$name: run --rm echo" "hello" "$(c run "${r[@]}" --rm $img t1 echo hello 2>&1)"
  c run "${r[@]}" --rm $img t2 sh -c 'exit 7' >/dev/null 2>&1
  check "$name: exit code" "7" "$?"
  c run "${r[@]}" -d $img d1 sh -c 'trap "exit 3" TERM; while true; do sleep 0.1; done' >/dev/null
  sleep 0.3
  check "$name: detached task runs" "RUNNING" "$(c task ls | awk '$1=="d1"{print $3}')"
  check "$name: exec" "exec-ok" "$(c task exec --exec-id e1 d1 echo exec-ok 2>&1)"
  check "$name: exec sees pid 1" "sh" "$(c task exec --exec-id e2 d1 cat /proc/1/comm 2>&1)"
  check "$name: exec with tty" "tty-ok" "$(script -qec "ctr -a $sock task exec -t --exec-id e3 d1 sh -c 'test -t 0 && echo tty-ok'" /dev/null 2>/dev/null | tr -d '\r' | grep -o tty-ok)"
  task_pid=$(c task ls | awk '$1=="d1"{print $2}')
  check "$name: task ps lists the init" "1" "$(c task ps d1 | awk -v p="$task_pid" '$1==p' | wc -l | tr -d ' ')"
  c task pause d1
  check "$name: pause" "PAUSED" "$(c task ls | awk '$1=="d1"{print $3}')"
  c task resume d1
  check "$name: resume" "RUNNING" "$(c task ls | awk '$1=="d1"{print $3}')"
  c task kill d1
  for _ in $(seq 50); do [ "$(c task ls | awk '$1=="d1"{print $3}')" = STOPPED ] && break; sleep 0.1; done
  check "$name: kill (TERM) stops it" "STOPPED" "$(c task ls | awk '$1=="d1"{print $3}')"
  c task rm d1 >/dev/null; c c rm d1
  c run "${r[@]}" -d $img k1 sh -c 'sleep 1000 & sleep 1000' >/dev/null
  sleep 0.3
  c task kill -a -s 9 k1
  for _ in $(seq 50); do [ "$(c task ls | awk '$1=="k1"{print $3}')" = STOPPED ] && break; sleep 0.1; done
  check "$name: kill --all" "STOPPED" "$(c task ls | awk '$1=="k1"{print $3}')"
  c task rm k1 >/dev/null; c c rm k1
  check "$name: ro bind rejects writes" "Read-only file system" \
    "$(c run "${r[@]}" --rm --mount "type=bind,src=$work/vol,dst=/vol,options=rbind:ro" $img r1 sh -c 'echo x > /vol/file' 2>&1 | grep -o 'Read-only file system')"
  check "$name: ro bind unchanged" "original" "$(cat "$work/vol/file")"
  check "$name: --memory-limit seen inside" "67108864" \
    "$(c run "${r[@]}" --rm --memory-limit 67108864 --mount type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro $img m1 cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>&1)"
  check "$name: --read-only rootfs" "Read-only file system" \
    "$(c run "${r[@]}" --rm --read-only $img ro1 touch /x 2>&1 | grep -o 'Read-only file system')"
  check "$name: tmpfs mount" "tmpfs" \
    "$(c run "${r[@]}" --rm --mount type=tmpfs,src=tmpfs,dst=/scratch,options=nosuid $img tm1 sh -c 'grep " /scratch " /proc/mounts | cut -d" " -f3' 2>&1)"
  check "$name: run with tty" "tty-ok" \
    "$(script -qec "ctr -a $sock run --runc-binary $runtime --rm -t $img tt1 sh -c 'test -t 0 && echo tty-ok'" /dev/null 2>/dev/null | tr -d '\r' | grep -o tty-ok)"
  # (No --uidmap scenario: ctr 1.6 then drops --runc-binary and runs runc
  # whatever is asked, seen with a logging wrapper; podman.sh covers it.)
  c run "${r[@]}" -d $img s1 sleep 1000 >/dev/null
  sleep 0.3
  check "$name: task metrics" "1" "$(c task metrics s1 2>&1 | grep -c 'pids.current')"
  c task kill -s 9 s1; for _ in $(seq 50); do [ "$(c task ls | awk '$1=="s1"{print $3}')" = STOPPED ] && break; sleep 0.1; done
  c task rm s1 >/dev/null; c c rm s1
  check "$name: nothing left" "" "$(c c ls -q)"
done
finish
