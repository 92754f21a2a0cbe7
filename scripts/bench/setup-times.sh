#!/usr/bin/env bash
# Benchmark of the set-up (not a test): the warm set-up (caches in place) timed over 3 runs,
# and with --cold one cold set-up in a fresh clone with empty Go, npm, pip and Maven caches
# (what CI's fresh machine pays). Prints a table.
#   bash scripts/bench/setup-times.sh [--cold]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
ms() { date +%s%3N; }
warm=()
for i in 1 2 3; do
  t0=$(ms); bash scripts/setup.sh >/dev/null 2>&1; warm+=($(( $(ms) - t0 )))
done
sorted=($(printf '%s\n' "${warm[@]}" | sort -n))
echo "| set-up | min | median | max |"
echo "|---|---|---|---|"
printf '| warm (`bash scripts/setup.sh`, caches in place) | %.1f s | %.1f s | %.1f s |\n' \
  "$(echo "${sorted[0]}/1000" | bc -l)" "$(echo "${sorted[1]}/1000" | bc -l)" "$(echo "${sorted[2]}/1000" | bc -l)"
if [ "${1:-}" = "--cold" ]; then
  tmp="$(mktemp -d)"
  git clone -q "$root" "$tmp/clone"
  t0=$(ms)
  ( cd "$tmp/clone" && GOCACHE="$tmp/gocache" GOMODCACHE="$tmp/gomod" npm_config_cache="$tmp/npm" \
      PIP_CACHE_DIR="$tmp/pip" PIP_NO_CACHE_DIR=1 MAVEN_OPTS="-Dmaven.repo.local=$tmp/m2" bash scripts/setup.sh > "$tmp/cold.log" 2>&1 )
  printf '| cold (fresh clone, empty Go/npm/pip/Maven caches) | %.1f s | | |\n' "$(echo "($(ms) - t0)/1000" | bc -l)"
  rm -rf "$tmp"
fi
