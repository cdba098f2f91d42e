#!/usr/bin/env bash
# Builds the small C helpers: godel-exec (runs commands inside process sandboxes) and godel-notify
# (relays systemd notifications, which Node cannot send).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist/native
cc="${CC:-$(command -v cc || command -v gcc || true)}"
build() {
  local src=$1 out=dist/native/$2
  if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
    [ -n "$cc" ] || { echo "build-native: no C compiler (install Debian's gcc)" >&2; exit 1; }
    "$cc" -O2 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 -o "$out.tmp" "$src"
    mv "$out.tmp" "$out"
  fi
}
build daemon/providers/process/native/godel-exec.c godel-exec
build daemon/systemd/godel-notify.c godel-notify
