#!/usr/bin/env bash
# Builds the small native parts: godel-exec (runs commands inside process sandboxes), godel-notify
# (relays systemd notifications, which Node cannot send) and the godel-peer addon (reads a client's
# SO_PEERCRED, which Node cannot either). The addon compiles against the running Node's own headers.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist/native
cc="${CC:-$(command -v cc || command -v gcc || true)}"
build() {
  local src=$1 out=dist/native/$2
  shift 2
  if [ ! -e "$out" ] || [ "$src" -nt "$out" ]; then
    [ -n "$cc" ] || { echo "build-native: no C compiler (install Debian's gcc)" >&2; exit 1; }
    "$cc" -O2 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 "$@" -o "$out.tmp" "$src"
    mv "$out.tmp" "$out"
  fi
}
build daemon/providers/process/native/godel-exec.c godel-exec
build daemon/systemd/godel-notify.c godel-notify
node_include="$(dirname "$(dirname "$(command -v node)")")/include/node"
[ -f "$node_include/node_api.h" ] || { echo "build-native: Node's headers are missing ($node_include/node_api.h)" >&2; exit 1; }
build daemon/server/native/godel-peer.c godel-peer.node -shared -fPIC -DNODE_GYP_MODULE_NAME=godel_peer -I"$node_include"
