#!/usr/bin/env bash
# Benchmarks mcrun against runc and crun in one run (tests/bench/bench.py);
# writes build/bench/results.md and build/bench/chart.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
missing=()
for p in runc crun gnuplot-nox time python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
exec python3 tests/bench/bench.py "$@"
