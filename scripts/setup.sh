#!/usr/bin/env bash
# Installs everything Godel needs on a Debian host: the Debian packages it drives (bubblewrap for the
# process provider, a C toolchain for its exec helper and for node-pty, tmux for the terminal tests),
# the npm packages, and the build. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v bwrap >/dev/null || need+=(bubblewrap)
# Files.Watch runs inotifywait inside the sandbox (from the host's /usr, which the default template binds).
command -v inotifywait >/dev/null || need+=(inotify-tools)
# A C compiler for godel-exec (the exec helper), and node-gyp's tools for node-pty.
command -v cc >/dev/null || need+=(gcc)
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
command -v python3 >/dev/null || need+=(python3)
# libseccomp compiles the process sandboxes' seccomp policy into the filters they load (at build time only).
[ -f /usr/include/seccomp.h ] || need+=(libseccomp-dev)
# Node's headers for the godel-unix addon (SO_PEERCRED, SCM_RIGHTS): nodesource's nodejs ships them, Debian's
# nodejs keeps them in libnode-dev.
[ -f "$(dirname "$(dirname "$(command -v node)")")/include/node/node_api.h" ] || need+=(libnode-dev)
# A template's workspace disk limit is an ext4 image loop-mounted on /workspace.
command -v mkfs.ext4 >/dev/null || need+=(e2fsprogs)
command -v mount >/dev/null || need+=(mount)
if [ "${GODEL_SETUP_TEST_TOOLS:-0}" = 1 ]; then
  command -v tmux >/dev/null || need+=(tmux)
  command -v git >/dev/null || need+=(git)
  command -v systemd-analyze >/dev/null || need+=(systemd)
  # The sandbox hardening test checks that a default sandbox still lets these trace its own processes.
  command -v strace >/dev/null || need+=(strace)
  command -v gdb >/dev/null || need+=(gdb)
  # The kubectl test runs kubectl against the fake API server. Debian 12's kubectl is 1.20: it lists and
  # describes, but execs over SPDY, which the fake does not speak, so the test fails asking for 1.30+.
  command -v kubectl >/dev/null || need+=(kubernetes-client)
fi
# The handoff benchmark's second client (benchmarks/handoff-client.py) is Python grpcio, so that its figures
# do not depend on the Node client. Debian's package goes with Debian's interpreter, /usr/bin/python3 (a
# python3 earlier on PATH, pyenv's say, does not see it).
if [ "${GODEL_SETUP_BENCH_TOOLS:-0}" = 1 ]; then
  /usr/bin/python3 -c 'import grpc' 2>/dev/null || need+=(python3 python3-grpcio)
fi
# The microvm provider (for the tests, or GODEL_SETUP_MICROVM=1): QEMU, and what npm run image builds the
# guest image with.
if [ "${GODEL_SETUP_TEST_TOOLS:-0}" = 1 ] || [ "${GODEL_SETUP_MICROVM:-0}" = 1 ]; then
  command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
  command -v qemu-img >/dev/null || need+=(qemu-utils)
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v cpio >/dev/null || need+=(cpio)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
# The agent CLIs godeld runs (pi, claude, codex) live in their own package so that their versions are pinned
# apart from the daemon's dependencies and their ~1 GB (claude's and codex's native binaries come in as
# per-platform optional dependencies) stays out of the daemon's node_modules. claude-code's postinstall puts
# its native binary in place, so the install needs scripts allowed for it (agent-runtimes/package.json).
if [ ! -d agent-runtimes/node_modules ] || [ agent-runtimes/package-lock.json -nt agent-runtimes/node_modules/.package-lock.json ]; then
  echo "setup: installing the agent CLIs (agent-runtimes)" >&2
  npm ci --prefix agent-runtimes --no-audit --no-fund --loglevel=error
fi
npm run --silent build
chmod +x dist/daemon/main.js dist/cli-client/main.js
# The tests' guest image, built once into .cache and rebuilt only when the agent changes (about 40 s), and
# beside it the agents disk with the CLIs (about 20 s, rebuilt only when agent-runtimes/ changes).
if [ "${GODEL_SETUP_TEST_TOOLS:-0}" = 1 ]; then
  bash scripts/build-image.sh "$PWD/.cache/microvm-image"
fi
