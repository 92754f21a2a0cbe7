#!/usr/bin/env bash
# Says what of the local stack runs, where, and whether it answers its health check.
# Exit code 0 when everything that up.sh starts is healthy, 1 otherwise.
set -uo pipefail
source "$(dirname "$0")/env.sh"
bad=0
row() { # name address check...
  local name="$1" addr="$2"; shift 2
  local state="stopped" health="-"
  if pid_alive "$name"; then
    state="running (pid $(cat "$RUN/$name.pid"))"
    if "$@" >/dev/null 2>&1; then health="healthy"; else health="UNHEALTHY"; bad=1; fi
  else bad=1; fi
  printf '%-24s %-28s %-22s %s\n' "$name" "$addr" "$state" "$health"
}
printf '%-24s %-28s %-22s %s\n' COMPONENT ADDRESS STATE HEALTH
row temporal "127.0.0.1:$TEMPORAL_PORT (UI :$TEMPORAL_UI_PORT)" "$VENV/bin/temporal" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT"
row etcd "127.0.0.1:$ETCD_PORT" curl -sf "http://127.0.0.1:$ETCD_PORT/health"
row kube-apiserver "https://127.0.0.1:$APISERVER_PORT" kube_healthy
row kube-controller-manager "https://127.0.0.1:$KCM_PORT" curl -skf "https://127.0.0.1:$KCM_PORT/healthz"
if [ -f "$root/src/local/kube-proxy/main.ts" ]; then
  row kube-proxy "http://127.0.0.1:$KUBE_PROXY_PORT" curl -sf "http://127.0.0.1:$KUBE_PROXY_PORT/healthz"
fi
if [ -f "$root/src/local/node-agent/main.ts" ]; then
  row node-agent "http://127.0.0.1:$NODE_AGENT_PORT" curl -sf "http://127.0.0.1:$NODE_AGENT_PORT/healthz"
fi
row s3proxy "http://127.0.0.1:$S3_PORT" bash "$root/scripts/stack/s3proxy.sh" health
echo "kubeconfig: $KUBECONFIG_FILE"
exit $bad
