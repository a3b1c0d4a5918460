#!/usr/bin/env bash
# Quick start, command 2: install, build, and run every test: unit tests,
# integration tests (real containers, as root), podman and containerd end to
# end, the integration tests again on a cgroup v2 machine (Debian's kernel
# under qemu: scripts/vm-test.sh), the systemd cgroup driver on a Debian
# guest with systemd as PID 1 (scripts/vm-systemd.sh, on cgroup v2 and v1), the unit and
# integration tests under ASan+UBSan, and each fuzz target for FUZZ_SECONDS
# (default 60). Every stage runs even after one failed; the closing line
# counts them all: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed (setup)"; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
passed=0 failed=0

# stage NAME COMMAND...: runs it with its output shown, then adds its counts:
# CTest's "N tests failed out of M", the VM's "vm: N passed, M failed", or
# for a command with no count of its own, one test. A stage that fails
# without saying which test failed (a build error) counts as one failure.
stage() {
  echo "== $1"
  shift
  "$@" 2>&1 | tee "$out"
  local status=${PIPESTATUS[0]} p=0 f=0
  if grep -qE 'tests failed out of [0-9]+' "$out"; then
    local total
    total=$(grep -oE 'tests failed out of [0-9]+' "$out" | awk '{s += $NF} END {print s + 0}')
    f=$(grep -oE '[0-9]+ tests failed out of' "$out" | awk '{s += $1} END {print s + 0}')
    p=$((total - f))
  elif grep -qE '^vm: [0-9]+ passed, [0-9]+ failed' "$out"; then
    p=$(grep -oE '^vm: [0-9]+ passed' "$out" | tail -1 | awk '{print $2}')
    f=$(grep -oE '^vm: [0-9]+ passed, [0-9]+ failed' "$out" | tail -1 | awk '{print $4}')
  elif [ "$status" -eq 0 ]; then
    p=1
  fi
  [ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  passed=$((passed + p)) failed=$((failed + f))
}

stage "unit, integration and end-to-end tests" ctest --test-dir build --output-on-failure -j"$(nproc)"
stage "integration tests on cgroup v2 (VM)" bash scripts/vm-test.sh build
stage "the systemd cgroup driver (VM with systemd as PID 1)" bash scripts/vm-systemd.sh build
stage "the systemd cgroup driver on cgroup v1 (VM)" bash scripts/vm-systemd.sh build v1
stage "unit and integration tests under ASan+UBSan" bash scripts/sanitize.sh
for target in fuzz_config fuzz_container_info fuzz_state; do
  stage "fuzzing $target" bash scripts/fuzz.sh "$target"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
