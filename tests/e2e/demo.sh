#!/usr/bin/env bash
# The Quick start's first command (scripts/demo.sh) after its install step,
# with the built binary: it converts and runs the sample ContainerInfo, and
# what it prints is what the README says it shows.
# Usage: demo.sh MCRUN
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dir=$(mktemp -d /var/tmp/mcrun-demo-test-XXXXXX)
trap 'rm -rf "$dir"' EXIT
out=$(MCRUN=$(readlink -f "$1") MCRUN_DEMO_DIR=$dir bash "$here/../../scripts/demo.sh" 2>&1)
status=$?
echo "$out" | sed 's/^/  | /'
has() { echo "$out" | grep -cxF -- "$1"; }
check "the demo succeeds" "0" "$status"
check "PID 1 is the task's shell" "1" "$(has 'PID 1 is: sh (this script)')"
check "ps sees the container's processes only" "2" \
  "$(echo "$out" | sed -n '/^processes visible:/,/^hostname:/p' | grep -cE '^ +[0-9]+ ')"
check "the hostname is the ContainerInfo's" "1" "$(has 'hostname: mesos-task')"
check "/tmp is a private mode-1777 directory, empty" "1" \
  "$(has '/tmp: mode 1777, owner root, entries: []')"
check "the read-only volume rejects writes" "1" "$(has '/srv is read-only: writing fails')"
check "the file written to /tmp landed in the sandbox" "1" \
  "$(has 'the sandbox'"'"'s tmp holds: written-inside')"
check "the host's /tmp did not get it" "1" \
  "$(has "host /tmp has no written-inside: the container's /tmp was private")"
check "the demo's container is gone" "0" \
  "$(echo "$out" | grep '^containers left:' | grep -c 'mcrun-demo')"
finish
