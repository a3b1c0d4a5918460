#!/usr/bin/env bash
# The unit and integration tests again, with mcrun and the tests built with
# AddressSanitizer + UndefinedBehaviorSanitizer (any report fails the test).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DMCRUN_SANITIZE=ON -DMCRUN_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -L 'unit|integration'
