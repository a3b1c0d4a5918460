#!/usr/bin/env bash
# Quick start, command 2: install, build, and run every test: unit tests,
# integration tests (real containers, as root), podman and containerd end to
# end, the same unit and integration tests under ASan+UBSan, and each fuzz
# target for FUZZ_SECONDS (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
bash scripts/sanitize.sh
bash scripts/fuzz.sh
