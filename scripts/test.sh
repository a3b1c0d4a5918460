#!/usr/bin/env bash
# Quick start, command 2: install, build, and run every test (unit tests and,
# as root, integration tests that create real containers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
