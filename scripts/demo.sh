#!/usr/bin/env bash
# Quick start, command 1: install the packages, build, install mcrun
# (cmake --install: /usr/local/bin/mcrun, man pages, bash completion), convert
# the sample Mesos ContainerInfo (bundles/sample) into an OCI bundle and run
# it as a container with the installed binary.
set -euo pipefail
cd "$(dirname "$0")/.."
# MCRUN=/path/to/mcrun shows the same with that binary, neither installing
# nor building; MCRUN_DEMO_DIR moves the demo's files (the e2e.demo test
# sets both).
if [ -z "${MCRUN:-}" ]; then
  bash scripts/setup.sh >/dev/null
  cmake --install build >/dev/null
fi
mcrun=${MCRUN:-/usr/local/bin/mcrun}
demo=${MCRUN_DEMO_DIR:-/var/tmp/mcrun-demo}
rm -rf "$demo"

echo "== the Mesos ContainerInfo (bundles/sample/container_info.json)"
cat bundles/sample/container_info.json
echo
echo "== mcrun convert (isolators filesystem/shared,namespaces/pid; the host's / as root)"
"$mcrun" convert --container-info bundles/sample/container_info.json \
  --work-dir "$demo/sandbox" --bundle "$demo/bundle" -- /bin/sh -c '
echo "PID 1 is: $(cat /proc/1/comm) (this script)"
echo "processes visible:"; ps -e -o pid,comm
echo "hostname: $(hostname)"
echo "/tmp: mode $(stat -c %a /tmp), owner $(stat -c %U /tmp), entries: [$(ls -A /tmp)]"
echo "inside" > /tmp/written-inside && echo "wrote /tmp/written-inside"
touch /srv/x 2>/dev/null && echo "/srv is writable (wrong)" || echo "/srv is read-only: writing fails"'
echo "wrote $demo/bundle/config.json; sandbox dirs: $(cd "$demo/sandbox" && ls)"
echo
echo "== mcrun run demo (inside the container)"
(cd "$demo/bundle" && "$mcrun" run mcrun-demo)
echo
echo "== back on the host"
echo "the sandbox's tmp holds: $(ls "$demo/sandbox/tmp")"
if [ -e /tmp/written-inside ]; then echo "host /tmp has written-inside (wrong)"; else echo "host /tmp has no written-inside: the container's /tmp was private"; fi
echo "containers left: [$("$mcrun" list -q)]"
