#!/usr/bin/env bash
# Runs the whole test suite against real daemons, real bubblewrap sandboxes and the real socket.
# Ends with the line "N passed, N failed" that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
GODEL_SETUP_TEST_TOOLS=1 bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

out=$(mktemp)
# Two test files at a time, on a 2-core machine: each starts its own daemons (temp sockets, state dirs and
# loopback addresses of its own), and most of a file's time is waiting on boots, restarts and timeouts.
# 14 minutes one at a time, 10.5 two at a time. Checks that need a settled machine wait for it.
node_modules/.bin/tap --jobs=2 --reporter=tap --timeout=300 "$@" dist/tests/*.test.js | tee "$out"
status=${PIPESTATUS[0]}
# Count the named tests at every depth inside the files (results carrying a time), not single
# assertions and not the files themselves (those results are not indented).
passed=$(grep -cE '^ +ok [0-9]+ - .*# time=' "$out" || true)
failed=$(grep -cE '^ +not ok [0-9]+ - .*# time=' "$out" || true)
rm -f "$out"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed"
exit "$status"
