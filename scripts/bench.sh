#!/usr/bin/env bash
# Runs the benchmarks on a real daemon; each prints one JSON line per measurement and a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
GODEL_SETUP_BENCH_TOOLS=1 bash scripts/setup.sh
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(floor handoff exec files recovery microvm federation e2b seccomp gateway)
for b in "${benches[@]}"; do
  node "dist/benchmarks/$b.js"
done
