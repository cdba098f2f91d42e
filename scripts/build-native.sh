#!/usr/bin/env bash
# Builds godel-exec, the small C helper that runs commands inside process sandboxes.
set -euo pipefail
cd "$(dirname "$0")/.."
src=daemon/providers/process/native/godel-exec.c
out=dist/native/godel-exec
mkdir -p dist/native
if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
  cc="${CC:-$(command -v cc || command -v gcc || true)}"
  [ -n "$cc" ] || { echo "build-native: no C compiler (install Debian's gcc)" >&2; exit 1; }
  "$cc" -O2 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 -o "$out.tmp" "$src"
  mv "$out.tmp" "$out"
fi
