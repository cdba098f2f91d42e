#!/usr/bin/env bash
# Builds the small native parts: godel-exec (runs commands inside process sandboxes), the process sandboxes'
# seccomp filters (from their policy, by godel-seccomp-gen), godel-launch (starts
# the providers' processes, so that the daemon itself never forks), godel-notify
# (relays systemd notifications, which Node cannot send), the godel-unix addon (a client's SO_PEERCRED,
# and lending open files over the socket with SCM_RIGHTS, which Node cannot do either) and the
# godel-egress-relay addon (the egress proxy's tunnels, spliced outside Node). The addons compile
# against the running Node's own headers.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist/native
cc="${CC:-$(command -v cc || command -v gcc || true)}"
build() {
  local src=$1 out=dist/native/$2
  shift 2
  if [ ! -e "$out" ] || [ "$src" -nt "$out" ]; then
    [ -n "$cc" ] || { echo "build-native: no C compiler (install Debian's gcc)" >&2; exit 1; }
    # Libraries (LDLIBS) after the source, or the linker drops them before it sees what needs them.
    # shellcheck disable=SC2086
    "$cc" -O2 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 "$@" -o "$out.tmp" "$src" ${LDLIBS:-}
    mv "$out.tmp" "$out"
  fi
}
build daemon/providers/process/native/godel-exec.c godel-exec
# The process sandboxes' seccomp filters, compiled from their policy with libseccomp (Debian libseccomp-dev):
# the generator is needed at build time only, and the filters are rebuilt when either file changes.
policy=daemon/providers/process/seccomp/policy.txt
[ -f /usr/include/seccomp.h ] || { echo "build-native: libseccomp's headers are missing (install Debian's libseccomp-dev)" >&2; exit 1; }
LDLIBS=-lseccomp build daemon/providers/process/seccomp/godel-seccomp-gen.c godel-seccomp-gen
if [ ! -e dist/native/seccomp-default.bpf ] || [ "$policy" -nt dist/native/seccomp-default.bpf ] || [ dist/native/godel-seccomp-gen -nt dist/native/seccomp-default.bpf ]; then
  dist/native/godel-seccomp-gen "$policy" dist/native/seccomp-default.bpf dist/native/seccomp-default-userns.bpf
fi
build daemon/providers/launch/godel-launch.c godel-launch
build daemon/systemd/godel-notify.c godel-notify
# The host's TSC frequency, handed to microvm guests under TCG so that they never calibrate their clock.
build daemon/providers/microvm/native/godel-tsc-khz.c godel-tsc-khz
# Static: it runs inside sandboxes, whatever root filesystem their template gives them.
build daemon/egress/native/godel-egress-forward.c godel-egress-forward -static -pthread
node_include="$(dirname "$(dirname "$(command -v node)")")/include/node"
[ -f "$node_include/node_api.h" ] || { echo "build-native: Node's headers are missing ($node_include/node_api.h)" >&2; exit 1; }
build ipc/native/godel-unix.c godel-unix.node -shared -fPIC -DNODE_GYP_MODULE_NAME=godel_unix -I"$node_include"
# The egress proxy's tunnels, relayed with splice(2) on a thread of their own, outside Node.
build daemon/egress/native/godel-egress-relay.c godel-egress-relay.node -shared -fPIC -pthread -DNODE_GYP_MODULE_NAME=godel_egress_relay -I"$node_include"
