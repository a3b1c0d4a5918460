#!/usr/bin/env bash
# Kubernetes' view: containerd's CRI plugin (the kubelet's path, with a CNI
# bridge) runs pods through mcrun, and for comparison runc, via the CRI
# socket (tests/e2e/cri_client.py: crictl and critest are not packaged).
# The scenarios are those critest found failing: stop and remove of pods and
# containers, short-lived containers with a log, RunAsGroup, read-only
# rootfs, and rshared mount propagation both ways.
# Usage: cri.sh /abs/path/to/mcrun
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
mcrun=$(realpath "$1")
work=$(mktemp -d /var/tmp/mcrun-cri-XXXXXX)
sock=$work/containerd.sock
bridge=mcrun$(( $$ % 100000 ))
cgroup_parent=mcrun-cri-$$  # every pod's cgroups below it: ours to check and remove
cleanup() {
  # What a failed run left: its tasks (their shims outlive containerd).
  for t in $(ctr -a "$sock" -n k8s.io task ls -q 2>/dev/null); do
    ctr -a "$sock" -n k8s.io task kill -s 9 "$t"; ctr -a "$sock" -n k8s.io task rm -f "$t"
  done >/dev/null 2>&1
  [ -n "${ctrd:-}" ] && kill "$ctrd" && wait "$ctrd" 2>/dev/null
  for rt in "$mcrun" /usr/sbin/runc; do
    root=$work/runtime-root/$(basename "$rt")/k8s.io
    for id in $(ls "$root" 2>/dev/null); do "$rt" --root "$root" delete --force "$id"; done >/dev/null 2>&1
  done
  pkill -9 -f "containerd-shim-runc-v2 .*-address $sock"
  find /sys/fs/cgroup/ -maxdepth 3 -type d -name "$cgroup_parent" -exec find {} -depth -type d -delete \; 2>/dev/null
  grep "$work" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
  ip link del "$bridge" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The kubelet's network: a bridge with host-local addresses, all state here.
mkdir -p "$work/cni" "$work/logs" "$work/shared"
cat > "$work/cni/10-e2e.conflist" <<CONF
{"cniVersion": "0.4.0", "name": "mcrun-e2e", "plugins": [{"type": "bridge", "bridge": "$bridge", "isGateway": true,
 "ipam": {"type": "host-local", "dataDir": "$work/cni-data", "ranges": [[{"subnet": "10.251.0.0/24"}]]}}]}
CONF
runtime() {  # runtime NAME BINARY: a runtime handler of the runc v2 shim
  cat <<CONF
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$1]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$1.options]
        BinaryName = "$2"
        Root = "$work/runtime-root/$1"
CONF
}
# restrict_oom_score_adj: a sandbox asks for oom_score_adj -998, which needs
# CAP_SYS_RESOURCE (these machines' root lacks it; runc fails the same way).
cat > "$work/config.toml" <<CONF
version = 2
root = "$work/root"
state = "$work/state"
[grpc]
  address = "$sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:e2e"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$work/cni"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "mcrun"
$(runtime mcrun "$mcrun")
$(runtime runc /usr/sbin/runc)
CONF
containerd --log-level debug --config "$work/config.toml" > "$work/containerd.log" 2>&1 &
ctrd=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
make_image_archive "$work" busybox='"Cmd":["sh"]' pause='"Entrypoint":["/bin/sleep","2147483647"]'
timeout 60 ctr -a "$sock" -n k8s.io images import "$work/images.tar" >/dev/null || { echo "FAIL images import"; exit 1; }

cri() { /usr/bin/python3 "$here/cri_client.py" "$sock" "$@"; }
get() {  # get KEY.PATH < JSON
  /usr/bin/python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v.get(k, "") if isinstance(v, dict) else ""
print(v)' "$1" 2>/dev/null
}
state() { cri ContainerStatus "{\"container_id\": \"$1\"}" | get status.state; }
wait_state() {  # wait_state ID STATE SECONDS
  for _ in $(seq $(($3 * 10))); do [ "$(state "$1")" = "$2" ] && return 0; sleep 0.1; done
  return 1
}
# Shared mounts as the kubelet makes its pods' volumes for Bidirectional.
mount --bind "$work/shared" "$work/shared" && mount --make-rshared "$work/shared"

for handler in mcrun runc; do
  pod_json() {  # pod_json NAME PRIVILEGED
    echo "{\"metadata\": {\"name\": \"$1\", \"uid\": \"$handler-$1\", \"namespace\": \"e2e\"},
           \"log_directory\": \"$work/logs/$handler-$1\",
           \"linux\": {\"cgroup_parent\": \"/$cgroup_parent\", \"security_context\": {\"privileged\": $2}}}"
  }
  ctr_json() {  # ctr_json POD_JSON NAME SCRIPT [LINUX_SECURITY_CONTEXT [MOUNTS]]
    echo "{\"pod_sandbox_id\": \"$pod\", \"sandbox_config\": $1, \"config\": {\"metadata\": {\"name\": \"$2\"},
           \"image\": {\"image\": \"localhost/busybox:e2e\"}, \"command\": [\"sh\", \"-c\", \"$3\"], \"log_path\": \"$2.log\",
           \"linux\": {\"security_context\": ${4:-{\}}}, \"mounts\": ${5:-[]}}}"
  }
  start() {  # start POD_JSON NAME SCRIPT [...]: the container's id
    local id
    id=$(cri CreateContainer "$(ctr_json "$@")" | get container_id)
    cri StartContainer "{\"container_id\": \"$id\"}" >/dev/null
    echo "$id"
  }
  log_of() { sed -E 's/^[^ ]+ (stdout|stderr) [PF] //' "$work/logs/$handler-$1/$2.log" 2>/dev/null | tr '\n' ' '; }

  p=$(pod_json p1 false)
  pod=$(cri RunPodSandbox "{\"config\": $p, \"runtime_handler\": \"$handler\"}" | get pod_sandbox_id)
  check "$handler: run a pod sandbox" "1" "$([ -n "$pod" ] && echo 1)"
  c1=$(start "$p" c1 'trap \"exit 0\" TERM; while true; do sleep 0.1; done')
  check "$handler: container running" "CONTAINER_RUNNING" "$(state "$c1")"
  check "$handler: exec" "exec-ok" "$(cri ExecSync "{\"container_id\": \"$c1\", \"cmd\": [\"echo\", \"exec-ok\"], \"timeout\": 30}" | get stdout | tr -d '\n')"
  check "$handler: exec exit code" "3" "$(cri ExecSync "{\"container_id\": \"$c1\", \"cmd\": [\"sh\", \"-c\", \"exit 3\"], \"timeout\": 30}" | get exit_code)"
  t0=$(date +%s)
  cri StopContainer "{\"container_id\": \"$c1\", \"timeout\": 30}" >/dev/null
  check "$handler: stop a container (TERM)" "CONTAINER_EXITED in time" "$(state "$c1") $([ $(($(date +%s) - t0)) -lt 10 ] && echo in time)"
  cri RemoveContainer "{\"container_id\": \"$c1\"}" >/dev/null
  check "$handler: remove a stopped container" "NOT_FOUND" "$(cri ContainerStatus "{\"container_id\": \"$c1\"}" 2>&1 | grep -o NOT_FOUND)"
  c2=$(start "$p" c2 'trap \"\" TERM; while true; do sleep 0.1; done')
  cri StopContainer "{\"container_id\": \"$c2\", \"timeout\": 1}" >/dev/null
  check "$handler: stop one that ignores TERM (KILL after the timeout)" "CONTAINER_EXITED" "$(state "$c2")"
  c3=$(start "$p" c3 'sleep 1000')
  cri RemoveContainer "{\"container_id\": \"$c3\"}" >/dev/null
  check "$handler: remove a running container" "NOT_FOUND" "$(cri ContainerStatus "{\"container_id\": \"$c3\"}" 2>&1 | grep -o NOT_FOUND)"
  c4=$(start "$p" c4 'echo hello-log')
  wait_state "$c4" CONTAINER_EXITED 20
  check "$handler: a short-lived container is reported exited" "CONTAINER_EXITED" "$(state "$c4")"
  check "$handler: its log" "hello-log " "$(log_of p1 c4)"
  c5=$(start "$p" c5 'id -u; id -g' '{"run_as_user": {"value": 1000}, "run_as_group": {"value": 2000}}')
  wait_state "$c5" CONTAINER_EXITED 20
  check "$handler: RunAsUser and RunAsGroup" "1000 2000 " "$(log_of p1 c5)"
  for ro in true false; do
    c6=$(start "$p" "ro-$ro" 'touch /file 2>/dev/null && echo writable || echo read-only' "{\"readonly_rootfs\": $ro}")
    wait_state "$c6" CONTAINER_EXITED 20
    check "$handler: ReadOnlyRootfs $ro" "$([ $ro = true ] && echo read-only || echo writable) " "$(log_of p1 "ro-$ro")"
  done
  running=$(start "$p" running 'sleep 1000')
  cri StopPodSandbox "{\"pod_sandbox_id\": \"$pod\"}" >/dev/null
  check "$handler: stop the pod sandbox stops its containers" "CONTAINER_EXITED" "$(state "$running")"
  cri RemovePodSandbox "{\"pod_sandbox_id\": \"$pod\"}" >/dev/null
  check "$handler: remove the pod sandbox" "NOT_FOUND" "$(cri ContainerStatus "{\"container_id\": \"$running\"}" 2>&1 | grep -o NOT_FOUND)"

  # Bidirectional: a mount made on the host appears inside, and one made
  # inside appears on the host (critest's "rshared" spec).
  p=$(pod_json priv true)
  pod=$(cri RunPodSandbox "{\"config\": $p, \"runtime_handler\": \"$handler\"}" | get pod_sandbox_id)
  mkdir -p "$work/shared/$handler/from-host" "$work/shared/$handler/from-ctr"
  mounts="[{\"container_path\": \"/shared\", \"host_path\": \"$work/shared/$handler\", \"propagation\": 2}]"
  cp=$(start "$p" prop 'sleep 1000' '{"privileged": true}' "$mounts")
  mount -t tmpfs "host-$handler" "$work/shared/$handler/from-host"
  check "$handler: rshared: a host mount is seen inside" "1" \
    "$(cri ExecSync "{\"container_id\": \"$cp\", \"cmd\": [\"grep\", \"-c\", \" /shared/from-host \", \"/proc/self/mountinfo\"], \"timeout\": 30}" | get stdout | tr -d '\n')"
  cri ExecSync "{\"container_id\": \"$cp\", \"cmd\": [\"mount\", \"-t\", \"tmpfs\", \"ctr-$handler\", \"/shared/from-ctr\"], \"timeout\": 30}" >/dev/null
  check "$handler: rshared: a container mount is seen on the host" "1" \
    "$(grep -c " - tmpfs ctr-$handler " /proc/self/mountinfo)"
  umount "$work/shared/$handler/from-host" "$work/shared/$handler/from-ctr" 2>/dev/null
  cri StopPodSandbox "{\"pod_sandbox_id\": \"$pod\"}" >/dev/null
  cri RemovePodSandbox "{\"pod_sandbox_id\": \"$pod\"}" >/dev/null
  check "$handler: nothing left in the runtime's state" "" "$(ls "$work/runtime-root/$handler/k8s.io" 2>/dev/null)"
  check "$handler: no cgroup left" "" "$(find /sys/fs/cgroup/ -maxdepth 4 -path "*/$cgroup_parent/*" -type d 2>/dev/null)"
done
finish
