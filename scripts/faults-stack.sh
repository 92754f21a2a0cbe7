#!/usr/bin/env bash
# The fault matrix's own local stack (test/faults/matrix): a second stack in .stack/faults with its own
# ports and address ranges, sharing the installed binaries, Flink and test jobs of .stack (symlinks). Its
# cells kill and restart the Temporal server, the kube-apiserver and the node agent: they run only on a
# stack this script started (it writes .stack/faults/run/started-by-faults), never on the shared one.
#   up [LANE]     start it (idempotent); prints the environment to export, one `export X=Y` a line
#   env [LANE]    print that environment only
#   down [LANE]   stop it
# LANE (1–8, default 1): one of several such stacks, for `npm run faults -- --lanes N`. Lane 1 is .stack/faults
# on ports FD_FAULTS_PORT_BASE (default 30000) + fixed offsets, pods 127.31/16, Services 127.32/16; lane k is
# .stack/faults-k, ports 1000 (k - 1) higher, pods 127.(29 + 2k)/16, Services 127.(30 + 2k)/16.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
main_stack="${FD_MAIN_STACK_DIR:-$root/.stack}"
lane="${2:-1}"
[[ "$lane" =~ ^[1-8]$ ]] || { echo "faults-stack.sh: lane '$lane' is not a number from 1 to 8" >&2; exit 2; }
dir="$main_stack/faults"
[ "$lane" = 1 ] || dir="$main_stack/faults-$lane"
base=$((${FD_FAULTS_PORT_BASE:-30000} + 1000 * (lane - 1)))
vars=(
  "FD_STACK_DIR=$dir"
  "FD_TEMPORAL_PORT=$((base + 233))"
  "FD_TEMPORAL_UI_PORT=$((base + 234))"
  "FD_ETCD_PORT=$((base + 379))"
  "FD_ETCD_PEER_PORT=$((base + 380))"
  "FD_APISERVER_PORT=$((base + 443))"
  "FD_KCM_PORT=$((base + 257))"
  "FD_NODE_AGENT_PORT=$((base + 250))"
  "FD_KUBELET_PORT=$((base + 251))"
  "FD_KUBE_PROXY_PORT=$((base + 256))"
  "FD_S3_PORT=$((base + 333))"
  "FD_POD_CIDR=127.$((29 + 2 * lane)).0.0/16"
  "FD_SERVICE_CIDR=127.$((30 + 2 * lane)).0.0/16"
)
print_env() { for v in "${vars[@]}"; do echo "export $v"; done; }
for v in "${vars[@]}"; do export "${v?}"; done
case "${1:-up}" in
  env) print_env ;;
  up)
    mkdir -p "$dir/run"
    for shared in venv bin jobs; do
      [ -e "$dir/$shared" ] || ln -s "$main_stack/$shared" "$dir/$shared"
    done
    bash "$root/scripts/stack/up.sh" >&2
    touch "$dir/run/started-by-faults"
    print_env
    ;;
  down) bash "$root/scripts/stack/down.sh" >&2; rm -f "$dir/run/started-by-faults" ;;
  *) echo "usage: scripts/faults-stack.sh up|env|down [LANE]" >&2; exit 2 ;;
esac
