#!/usr/bin/env bash
# Quick start: set everything up, then run godeld in the foreground on the built-in `default` template.
# Arguments are passed to godeld (for example --socket, --state-dir, --config).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node dist/daemon/main.js "$@"
