#!/usr/bin/env bash
# Builds SeaweedFS's `weed` (Apache-2.0; its S3 gateway is the local stack's object store for
# s3:// savepoints and checkpoints, docs/object-storage.md) from the Go module proxy into
# .stack/bin, like build-k8s.sh (cached: a binary already built for the pinned version is kept).
# A cold build takes many minutes on 2 cores. Usage: scripts/stack/build-seaweedfs.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/scripts/stack/gobuild/seaweedfs"
bin="${FD_STACK_DIR:-$root/.stack}/bin"
mkdir -p "$bin"
command -v go >/dev/null || { echo "go is not installed: install Go >= 1.24 and re-run" >&2; exit 1; }
version="$(awk '/^require github.com\/seaweedfs\/seaweedfs/ {print $3}' "$dir/go.mod")"
if [ -x "$bin/weed" ] && [ "$(cat "$bin/.weed.version" 2>/dev/null)" = "$version" ]; then
  echo "[build-seaweedfs] weed $version: cached"; exit 0
fi
echo "[build-seaweedfs] building weed $version (cold builds take many minutes on 2 cores)..."
start=$SECONDS
( cd "$dir" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin/weed.tmp" \
    github.com/seaweedfs/seaweedfs/weed ) \
  || { echo "[build-seaweedfs] FAILED: see the Go output above; is the Go module proxy reachable?" >&2; exit 1; }
mv "$bin/weed.tmp" "$bin/weed"; echo "$version" > "$bin/.weed.version"
echo "[build-seaweedfs] built weed in $((SECONDS - start))s"
