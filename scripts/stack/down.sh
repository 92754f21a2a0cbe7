#!/usr/bin/env bash
# Stops what scripts/stack/up.sh started (by recorded pid, whole process group), and nothing else.
# Pods run by the node agent are stopped by the agent on SIGTERM; kube-proxy only after it, so pods stopping
# gracefully still reach each other through their Services.
set -euo pipefail
source "$(dirname "$0")/env.sh"
stop() {
  local name="$1" f="$RUN/$1.pid"
  [ -f "$f" ] || return 0
  local pid; pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { log "$name did not stop in 30s: SIGKILL"; kill -KILL -- "-$pid" 2>/dev/null || true; }
  fi
  rm -f "$f"
}
for name in worker node-agent kube-proxy s3proxy kube-controller-manager kube-apiserver etcd temporal; do stop "$name"; done
log "stack is down"
