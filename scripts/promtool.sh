#!/usr/bin/env bash
# Prints the path of a promtool for the tests, unpacked from Debian's prometheus package into .cache/
# without installing it (installing would also start a Prometheus server on the machine).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/promtool
if [ ! -x "$dest/usr/bin/promtool" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && { apt-get download prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get download prometheus >/dev/null; }; })
  mkdir -p "$dest"
  dpkg-deb -x "$tmp"/prometheus_*.deb "$dest"
fi
echo "$PWD/$dest/usr/bin/promtool"
