#!/usr/bin/env bash
# The local stack's stand-in for `docker build` of the worker image (Dockerfile): packs this checkout (`npm pack`,
# whose `prepare` builds dist/) and installs the tarball as the Dockerfile's install stage does
# (`npm install --global --omit=dev --prefix <dir>`) into .stack/images/flink-deploy-worker/<package version>, where
# the node agent runs image `flink-deploy-worker:<package version>` from (docs/node-agent.md). Idempotent: a folder
# stamped with the same tarball's sha256 is kept. Prints the image name.
# Usage: scripts/stack/install-worker-image.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"
version="$(node -p 'require(process.argv[1]).version' "$root/package.json")"
dir="$STACK/images/flink-deploy-worker/$version"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log "packing $root (npm pack)"
(cd "$root" && npm pack --silent --pack-destination "$work" >/dev/null)
tarball="$(ls "$work"/flink-deploy-*.tgz)"
sum="$(sha256sum "$tarball" | cut -c1-64)"
if [ -x "$dir/bin/flink-deploy" ] && [ "$(cat "$dir/.tarball-sha256" 2>/dev/null)" = "$sum" ]; then
  log "flink-deploy-worker:$version: installed (same tarball)"
else
  log "installing $(basename "$tarball") into $dir"
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  npm install --global --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error --prefix "$dir.tmp" "$tarball"
  echo "$sum" > "$dir.tmp/.tarball-sha256"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
fi
echo "flink-deploy-worker:$version"
