#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager and kubectl from the Go module proxy
# into .stack/bin (cached: a binary already built for the pinned version is kept).
# Usage: scripts/stack/build-k8s.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
gobuild="$root/scripts/stack/gobuild"
bin="${FD_STACK_DIR:-$root/.stack}/bin"
mkdir -p "$bin"
command -v go >/dev/null || { echo "go is not installed: install Go >= 1.26 (https://go.dev/dl) and re-run" >&2; exit 1; }

kube_version="$(awk '/^require k8s.io\/kubernetes/ {print $3}' "$gobuild/kube/go.mod")"
etcd_version="$(awk '/^require go.etcd.io\/etcd\/server\/v3/ {print $3}' "$gobuild/etcd/go.mod")"
stamp() { cat "$bin/.$1.version" 2>/dev/null || true; }

build() { # name version dir package
  local name="$1" version="$2" dir="$3" pkg="$4"
  if [ -x "$bin/$name" ] && [ "$(stamp "$name")" = "$version" ]; then
    echo "[build-k8s] $name $version: cached"; return 0
  fi
  echo "[build-k8s] building $name $version (cold builds take minutes on 2 cores)..."
  local start=$SECONDS
  local minor="${kube_version#v1.}"; minor="${minor%%.*}"
  ( cd "$dir" && GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$kube_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean" \
      -o "$bin/$name.tmp" "$pkg" ) &
  local pid=$!
  # A warm Go cache builds in seconds: look every second, say something every 30.
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if kill -0 "$pid" 2>/dev/null && (( (SECONDS - start) % 30 == 0 )); then
      echo "[build-k8s] still building $name ($((SECONDS-start))s)"
    fi
  done
  wait "$pid" || { echo "[build-k8s] FAILED to build $name: see the Go output above; check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY))" >&2; exit 1; }
  mv "$bin/$name.tmp" "$bin/$name"; echo "$version" > "$bin/.$name.version"
  echo "[build-k8s] built $name in $((SECONDS-start))s"
}

build etcd "$etcd_version" "$gobuild/etcd" .
build kube-apiserver "$kube_version" "$gobuild/kube" k8s.io/kubernetes/cmd/kube-apiserver
build kube-controller-manager "$kube_version" "$gobuild/kube" k8s.io/kubernetes/cmd/kube-controller-manager
build kubectl "$kube_version" "$gobuild/kube" k8s.io/kubernetes/cmd/kubectl
