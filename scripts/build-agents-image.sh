#!/usr/bin/env bash
# Builds agents.img, the read-only disk that gives microvm sandboxes the pinned agent CLIs (pi, claude,
# codex): an ext4 image of agent-runtimes/ (its package.json and node_modules, as scripts/setup.sh installs
# them) next to the guest image, in IMAGE_DIR (the same default as scripts/build-image.sh, which runs this).
# Every VM attaches it read-only and the guest mounts it at /opt/godel-agents, where a process sandbox has
# the same directory bound read-only: the CLIs are never installed into a sandbox at run time.
#
# A disk of its own rather than part of rootfs.img: the CLIs are ~1 GB that changes with every version bump,
# and this rebuild (~20 s, a copy and mke2fs) does not redo the root filesystem's debootstrap; VMs that do not
# run agents read none of it. agents.json says what went in (the lock file's hash, the CLIs' versions); the
# daemon puts it into the key of its saved VM templates, so a rebuilt disk never meets a VM state saved
# with the old one. The new image replaces the old by a rename: running VMs keep the old one open.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then default_state=/var/lib/godel; else default_state="${XDG_STATE_HOME:-$HOME/.local/state}/godel"; fi
out="${1:-${GODEL_IMAGE_DIR:-${GODEL_STATE_DIR:-$default_state}/images/microvm}}"
src=agent-runtimes
if [ ! -f "$src/node_modules/.package-lock.json" ]; then
  echo "build-agents-image: the agent CLIs are not installed ($src/node_modules); run bash scripts/setup.sh first. Microvm sandboxes run no agents without $out/agents.img" >&2
  exit 0
fi
hash=$(cat "$src/package-lock.json" "$src/node_modules/.package-lock.json" scripts/build-agents-image.sh | sha256sum | cut -c1-16)
if [ -f "$out/agents.img" ] && [ -f "$out/agents.json" ] && grep -q "\"hash\": \"$hash\"" "$out/agents.json"; then
  echo "build-agents-image: $out/agents.img is current"
  exit 0
fi
version() { node -p "require('./$src/node_modules/$1/package.json').version" 2>/dev/null || echo none; }
# The CLIs on the disk, by the names the daemon's runtimes use (node_modules/.bin/<name>).
bins=()
for b in pi claude codex; do [ -e "$src/node_modules/.bin/$b" ] && bins+=("$b"); done

mkdir -p "$out"
work=$(mktemp -d /tmp/godel-agents-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/node_modules"
cp "$src/package.json" "$src/package-lock.json" "$work/root/"
# The tree itself, not a symlink to it (a checkout may link agent-runtimes/node_modules from elsewhere).
cp -a "$src/node_modules/." "$work/root/node_modules/"
# Readable by the sandbox user whatever umask npm ran with; owned by root, so nothing in the guest can change it.
chmod -R a+rX,go-w "$work/root"
bytes=$(du -sb "$work/root" | cut -f1)
files=$(find "$work/root" | wc -l)
# Room for ext4's metadata and an inode per file; no journal (the guest mounts it read-only).
size_mib=$(( bytes * 110 / 100 / 1048576 + files * 4 / 1024 + 64 ))
tmp="$out/agents.img.tmp"
rm -f "$tmp"
mkfs.ext4 -q -F -L godel-agents -O ^has_journal -N $(( files + 4096 )) -E root_owner=0:0 -d "$work/root" "$tmp" "${size_mib}M" >/dev/null
chmod 644 "$tmp"
mv "$tmp" "$out/agents.img"
cat > "$out/agents.json" <<MANIFEST
{
  "hash": "$hash",
  "runtimes": "${bins[*]}",
  "pi": "$(version @mariozechner/pi-coding-agent)",
  "claude": "$(version @anthropic-ai/claude-code)",
  "codex": "$(version @openai/codex)",
  "built": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
MANIFEST
chmod 644 "$out/agents.json"
echo "build-agents-image: built $out/agents.img (${size_mib} MiB, CLIs: ${bins[*]}, $hash)"
