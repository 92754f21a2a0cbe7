#!/usr/bin/env bash
# Installs the node's busybox image: Debian's busybox-static (one static binary, BusyBox 1.35 in bookworm, the
# version of the Apache operator examples' busybox:1.35.0 init containers) into
# $STACK/images/busybox/<version>/bin, with a link per applet (sh, wget, …) as the image has them in /bin.
# The node agent runs `busybox[:tag]` containers from there (src/local/node-agent/busybox-image.ts).
# From the Debian archive only (`apt-get download`; `apt-get update` first when the lists are missing). A warm run
# makes no request.
# Usage: scripts/stack/fetch-busybox.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"
images="$STACK/images/busybox"
for done in "$images"/*/.fd-installed; do
  [ -f "$done" ] && { log "busybox $(basename "$(dirname "$done")"): cached"; exit 0; }
done
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
  || die "apt-get and dpkg-deb are missing: busybox-static comes from the Debian archive (install busybox-static's binary at $images/<version>/bin/busybox by hand on another system)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
download() { (cd "$tmp" && apt-get download -qq busybox-static >/dev/null 2>&1); }
if ! download; then
  [ "$(id -u)" = 0 ] || die "apt-get download busybox-static failed and the package lists cannot be updated without root: run apt-get update as root and re-run"
  log "updating the Debian package lists (apt-get update) to fetch busybox-static"
  apt-get update -qq
  download || die "apt-get download busybox-static failed (is the Debian archive reachable?)"
fi
dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/root"
binary="$tmp/root/bin/busybox"
[ -x "$binary" ] || die "busybox-static has no bin/busybox"
# sed reads all of the help (head -1 would close the pipe under busybox: SIGPIPE, 141 with pipefail).
version="$("$binary" | sed -n '1s/^BusyBox v\([0-9][0-9.]*\).*/\1/p')"
[ -n "$version" ] || die "could not read the version of busybox-static"
dir="$images/$version"
rm -rf "$dir.part" && mkdir -p "$dir.part/bin"
cp "$binary" "$dir.part/bin/busybox"
for applet in $("$binary" --list); do [ "$applet" = busybox ] || ln -s busybox "$dir.part/bin/$applet"; done
touch "$dir.part/.fd-installed"
rm -rf "$dir" && mv "$dir.part" "$dir"
log "busybox $version ready ($dir/bin)"
