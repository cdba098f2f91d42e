#!/usr/bin/env bash
# Builds the microvm guest image from Debian packages, into IMAGE_DIR (default: $GODEL_IMAGE_DIR, else
# STATE_DIR/images/microvm with STATE_DIR as godeld's default): `npm run image [-- IMAGE_DIR]`.
#
#   vmlinuz      the kernel of Debian's cloud kernel package (linux-image-cloud-amd64)
#   initrd.img   busybox (busybox-static) and the virtio modules from that kernel; it mounts the root disk
#   rootfs.img   ext4: debootstrap --variant=minbase of Debian 12 with inotify-tools, this host's Node
#                (the same version godeld runs, so node-pty's build fits) and the guest agent
#   manifest.json  what went in (package versions, agent hash); the daemon refuses an image whose
#                  agent does not match its own
#   agents.img   the agent CLIs on a read-only disk of their own, by scripts/build-agents-image.sh (run at
#                the end, and also when the rest is current: a CLI version bump rebuilds only that disk)
#
# It needs root (debootstrap) and Debian's debootstrap, cpio, e2fsprogs and busybox-static packages, which
# scripts/setup.sh installs. A rebuild is skipped when the manifest matches this checkout's agent.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if [ "$(id -u)" = 0 ]; then default_state=/var/lib/godel; else default_state="${XDG_STATE_HOME:-$HOME/.local/state}/godel"; fi
out="${1:-${GODEL_IMAGE_DIR:-${GODEL_STATE_DIR:-$default_state}/images/microvm}}"
[ "$(id -u)" = 0 ] || { echo "build-image: needs root (debootstrap)" >&2; exit 1; }
[ -f dist/guest/agent.js ] || { echo "build-image: build first (npm run build)" >&2; exit 1; }

agent_hash=$(cat dist/guest/agent.js dist/guest/protocol.js dist/guest/lines.js dist/guest/loopback-ports.js dist/guest/port-mux.js dist/guest/port-writer.js guest/native/godel-guest-helper.c scripts/build-image.sh | sha256sum | cut -c1-16)
node_version=$(node --version)
if [ -f "$out/manifest.json" ] && grep -q "\"agent\": \"$agent_hash\"" "$out/manifest.json" && grep -q "\"node\": \"$node_version\"" "$out/manifest.json"; then
  echo "build-image: $out is current"
  exec bash scripts/build-agents-image.sh "$out"
fi

work=$(mktemp -d /tmp/godel-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cd "$work"

kernel_pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
[ -n "$kernel_pkg" ] || { echo "build-image: no linux-image-cloud-amd64 in the apt sources" >&2; exit 1; }
apt-get download -q "$kernel_pkg" busybox-static 2>/dev/null
dpkg -x "$kernel_pkg"_*.deb kernel
dpkg -x busybox-static_*.deb busybox
kver=$(ls kernel/lib/modules)
mods=kernel/lib/modules/$kver/kernel/drivers

# initramfs: busybox, the modules needed to reach the root disk and the agent's port, and an init. The root
# disk is the first virtio-blk device QEMU is given (vda); the agents disk, when attached, comes after it.
mkdir -p initrd/bin initrd/dev initrd/proc initrd/sys initrd/newroot initrd/modules
cp busybox/bin/busybox initrd/bin/busybox
for m in virtio/virtio_ring virtio/virtio virtio/virtio_mmio block/virtio_blk char/virtio_console char/hw_random/virtio-rng; do
  cp "$mods/$m.ko" initrd/modules/
done
cat > initrd/init <<'INIT'
#!/bin/busybox sh
# The guest's first stage: load the virtio modules, mount the root disk (this VM's overlay), switch to it.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# godeld's KVM probe boots this far and no further.
if grep -q godel.probe /proc/cmdline; then echo godel-probe-ok; poweroff -f; fi
# Loopback up (the root filesystem has no ip): a sandbox with an allow list reaches its proxy through it.
ip link set lo up
for m in virtio_ring virtio virtio_mmio virtio_blk virtio_console virtio-rng; do insmod /modules/$m.ko; done
for i in $(seq 1 200); do [ -b /dev/vda ] && break; sleep 0.01; done
mount -o rw,noatime /dev/vda /newroot || { echo "godel-init: no root disk"; poweroff -f; }
mount --move /dev /newroot/dev
umount /proc /sys
exec switch_root /newroot /sbin/godel-init
INIT
chmod 755 initrd/init
(cd initrd && find . | sort | cpio --quiet -o -H newc --reproducible | gzip -9n) > initrd.img

# Root filesystem.
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
debootstrap --variant=minbase --include=inotify-tools,procps bookworm rootfs "${mirror:-http://deb.debian.org/debian}" >/dev/null
cp "$(command -v node)" rootfs/usr/local/bin/node
# /opt/godel-agents: where the agents disk (agents.img) is mounted, the CLIs' place in a process sandbox too.
mkdir -p rootfs/opt/godel-agent/dist/guest rootfs/opt/godel-agent/node_modules rootfs/workspace rootfs/opt/godel-agents
cp "$root"/dist/guest/{agent,protocol,lines,loopback-ports,port-mux,port-writer}.js rootfs/opt/godel-agent/dist/guest/
cc -O2 -Wall -Wextra -Werror -static -o rootfs/opt/godel-agent/godel-guest-helper "$root/guest/native/godel-guest-helper.c"
cp -r "$root/node_modules/node-pty" rootfs/opt/godel-agent/node_modules/
rm -rf rootfs/opt/godel-agent/node_modules/node-pty/{src,deps,scripts,typings} rootfs/opt/godel-agent/node_modules/node-pty/build/Release/obj.target
echo '{"type":"module","private":true}' > rootfs/opt/godel-agent/package.json
echo 'sandbox:x:1000:1000:sandbox:/workspace:/bin/sh' >> rootfs/etc/passwd
echo 'sandbox:x:1000:' >> rootfs/etc/group
chown 1000:1000 rootfs/workspace
chmod 700 rootfs/workspace
echo godel-sandbox > rootfs/etc/hostname
cat > rootfs/sbin/godel-init <<'INIT'
#!/bin/sh
# The guest's init: the filesystems a program expects, then the agent; as PID 1 it also reaps orphans.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
ip link set lo up 2>/dev/null
hostname "$(cat /etc/hostname)"
# The agent CLIs' disk, when the VM has one (found by its label, whichever virtio disk it is): read-only.
mount -o ro LABEL=godel-agents /opt/godel-agents 2>/dev/null
cd /opt/godel-agent
# Each virtio-serial port the agent serves holds a libuv worker in a blocking read (and a write to a port
# whose host end is away blocks one too): more workers than libuv's 4, so that file I/O never waits on them.
UV_THREADPOOL_SIZE=16 /usr/local/bin/node dist/guest/agent.js 2>/dev/console &
while :; do wait; done
INIT
chmod 755 rootfs/sbin/godel-init
rm -rf rootfs/var/cache/apt/archives/*.deb rootfs/var/lib/apt/lists/*

mkdir -p "$out"
tmp_root="$out/rootfs.img.tmp"
rm -f "$tmp_root"
truncate -s 1G "$tmp_root"
mkfs.ext4 -q -F -L godel-root -E root_owner=0:0 -d rootfs "$tmp_root"
cp kernel/boot/vmlinuz-"$kver" "$out/vmlinuz.tmp"
cp initrd.img "$out/initrd.img.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initrd.img.tmp" "$out/initrd.img"
mv "$tmp_root" "$out/rootfs.img"
cat > "$out/manifest.json" <<MANIFEST
{
  "kernel": "$kver",
  "kernel_package": "$(dpkg-deb -f "$kernel_pkg"_*.deb Package) $(dpkg-deb -f "$kernel_pkg"_*.deb Version)",
  "busybox": "$(dpkg-deb -f busybox-static_*.deb Version)",
  "node": "$node_version",
  "agent": "$agent_hash",
  "built": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
MANIFEST
echo "build-image: built $out ($kver, node $node_version, agent $agent_hash)"
bash "$root/scripts/build-agents-image.sh" "$out"
