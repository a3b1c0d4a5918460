#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan + LeakSanitizer) and
# runs each for FUZZ_SECONDS (default 60), seeded from bundles/ and from
# tests/fuzz/regressions/. Any crash, leak or sanitizer report fails; the
# input that caused it is left in build-fuzz/artifacts/ to become a regression.
# Usage: fuzz.sh [TARGET...] (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
if ! command -v clang++-16 >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang-16 libclang-rt-16-dev >/dev/null
fi
CC=clang-16 CXX=clang++-16 cmake -S . -B build-fuzz -DMCRUN_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_config fuzz_container_info fuzz_state

seed() {  # seed TARGET DIR: the corpus a target starts from
  mkdir -p "$2"
  cp tests/fuzz/regressions/"$1"/* "$2"/ 2>/dev/null || true
  case "$1" in
    fuzz_config) for f in bundles/spec/*/config.json bundles/mesos/*/expected.json; do cp "$f" "$2/$(echo "$f" | tr / _)"; done ;;
    fuzz_container_info) for f in bundles/mesos/*/input.* bundles/sample/*; do cp "$f" "$2/$(echo "$f" | tr / _)"; done ;;
    fuzz_state) build-fuzz/bin/mcrun spec --bundle "$2" >/dev/null 2>&1 || true
                printf '{"ociVersion":"1.3.0","id":"c1","status":"running","pid":1,"bundle":"/b","rootfs":"/r","created":"","owner":"root","mcrun":{"initStartTime":1,"ownPidNamespace":true,"cgroupPath":"/mcrun/c1","config":{"ociVersion":"1.3.0","root":{"path":"/"}}}}' > "$2/record.json" ;;
  esac
}

mkdir -p build-fuzz/artifacts
status=0
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_config fuzz_container_info fuzz_state)
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus-$target
  seed "$target" "$corpus"
  echo "== $target: ${seconds}s"
  if build-fuzz/bin/$target -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix=build-fuzz/artifacts/$target- "$corpus" > build-fuzz/$target.log 2>&1; then
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" build-fuzz/$target.log | sed "s/^/   /"
  else
    status=1
    echo "FAIL $target:"; tail -40 build-fuzz/$target.log
  fi
done
exit $status
