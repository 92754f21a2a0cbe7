#!/usr/bin/env bash
# Builds the helm CLI (helm.sh/helm/v3, pinned in scripts/stack/gobuild/helm/go.mod) from the Go
# module proxy into .stack/bin/helm, once: a binary stamped with the pinned version is kept.
# Used by the chart's tests (helm lint, helm template) and the in-cluster e2e (helm install).
# Usage: scripts/stack/build-helm.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/scripts/stack/gobuild/helm"
bin="${FD_STACK_DIR:-$root/.stack}/bin"
mkdir -p "$bin"
command -v go >/dev/null || { echo "go is not installed: install Go >= 1.26 (https://go.dev/dl) and re-run" >&2; exit 1; }

version="$(awk '/^require helm.sh\/helm\/v3/ {print $3}' "$dir/go.mod")"
# The Kubernetes version helm assumes without a cluster (helm template, lint): its client-go's, as helm's Makefile
# sets it (unset, helm says v1.20 and refuses charts that need newer).
client_go="$(awk '$1 == "k8s.io/client-go" && $2 !~ /go.mod$/ {print $2}' "$dir/go.sum" | tail -1)"
client_go="${client_go#v0.}"; kube_minor="${client_go%%.*}"
[ -n "$kube_minor" ] || { echo "[build-helm] cannot tell k8s.io/client-go's version from $dir/go.sum" >&2; exit 1; }
stamp="$version kubernetes 1.$kube_minor"
if [ -x "$bin/helm" ] && [ "$(cat "$bin/.helm.version" 2>/dev/null)" = "$stamp" ]; then
  echo "[build-helm] helm $stamp: cached"; exit 0
fi
echo "[build-helm] building helm $version (a cold build took 45 min on 2 busy cores; cached after)..."
start=$SECONDS
# -X sets what `helm version` prints (helm's own Makefile does the same).
( cd "$dir" && GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
      -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$kube_minor \
      -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$kube_minor" \
    -o "$bin/helm.tmp" helm.sh/helm/v3/cmd/helm ) \
  || { echo "[build-helm] FAILED to build helm: see the Go output above; check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY))" >&2; exit 1; }
mv "$bin/helm.tmp" "$bin/helm"; echo "$stamp" > "$bin/.helm.version"
echo "[build-helm] built helm $version in $((SECONDS-start))s"
