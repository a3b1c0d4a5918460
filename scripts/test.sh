#!/usr/bin/env bash
# Quick start, command 2: install, build, and run every test: unit tests,
# integration tests (real containers, as root), podman and containerd end to
# end, the integration tests again on a cgroup v2 machine (Debian's kernel
# under qemu: scripts/vm-test.sh), the unit and integration tests under
# ASan+UBSan, and each fuzz target for FUZZ_SECONDS (default 60). Every stage
# runs even after one failed; the closing line counts them all:
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed (setup)"; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
stages_failed=0
stage() {  # stage NAME COMMAND...: output to the terminal and the log
  echo "== $1"
  shift
  "$@" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || stages_failed=$((stages_failed + 1))
}
stage "unit, integration and end-to-end tests" ctest --test-dir build --output-on-failure -j"$(nproc)"
stage "integration tests on cgroup v2 (VM)" bash scripts/vm-test.sh build
stage "under ASan+UBSan" bash scripts/sanitize.sh
fuzz_failed=0
echo "== fuzzing"
bash scripts/fuzz.sh || fuzz_failed=1

# "100% tests passed, 0 tests failed out of 220" from each CTest run,
# "vm: N passed, N failed" from the VM, and the three fuzz targets.
total=$(grep -oE 'tests failed out of [0-9]+' "$log" | awk '{s += $NF} END {print s + 0}')
failed=$(grep -oE '[0-9]+ tests failed out of' "$log" | awk '{s += $1} END {print s + 0}')
vm_passed=$(grep -oE '^vm: [0-9]+ passed' "$log" | awk '{s += $2} END {print s + 0}')
vm_failed=$(grep -oE '^vm: [0-9]+ passed, [0-9]+ failed' "$log" | awk '{s += $4} END {print s + 0}')
passed=$((total - failed + vm_passed + 3 - fuzz_failed))
failed=$((failed + vm_failed + fuzz_failed))
# A stage that failed without a count of its own (a build error) still fails.
[ "$stages_failed" -gt 0 ] && [ "$failed" -eq 0 ] && failed=$stages_failed
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
