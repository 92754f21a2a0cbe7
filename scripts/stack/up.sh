#!/usr/bin/env bash
# Starts the local stack on loopback: Temporal dev server, etcd, kube-apiserver,
# kube-controller-manager, kube-proxy, the node agent and S3Proxy. Idempotent: what already runs is kept.
# Installs what is missing first (scripts/setup.sh --stack).
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash "$root/scripts/setup.sh" --stack

# ensure NAME PORT CMD...: start unless already running; refuse a port someone else holds.
ensure() {
  local name="$1" port="$2"; shift 2
  if pid_alive "$name"; then log "$name already running (pid $(cat "$RUN/$name.pid"))"; return 1; fi
  if port_busy "$port"; then
    die "port 127.0.0.1:$port, needed by $name, is taken by another process (see: ss -ltnp 'sport = :$port'). Stop it, or choose another port with the FD_* variables in scripts/stack/env.sh"
  fi
  log "starting $name on 127.0.0.1:$port"
  start "$name" "$@"
}

# Temporal dev server: history in a database file, so a restart keeps it.
mkdir -p "$STACK/temporal"
sa_flags=(); for a in "${SEARCH_ATTRIBUTES[@]}"; do sa_flags+=(--search-attribute "$a"); done
if ensure temporal "$TEMPORAL_PORT" "$VENV/bin/temporal" server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" \
    --ui-ip 127.0.0.1 --ui-port "$TEMPORAL_UI_PORT" --db-filename "$STACK/temporal/temporal.db" \
    --log-level warn "${sa_flags[@]}"; then :; fi

# etcd
if ensure etcd "$ETCD_PORT" "$BIN/etcd" --name local --data-dir "$STACK/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "local=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync --log-level warn; then :; fi
wait_for etcd 60 curl -sf "http://127.0.0.1:$ETCD_PORT/health"

# kube-apiserver (envtest-style)
pki="$STACK/pki"
if ensure kube-apiserver "$APISERVER_PORT" "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" --bind-address 127.0.0.1 --advertise-address 127.0.0.1 \
    --secure-port "$APISERVER_PORT" --endpoint-reconciler-type none \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-account-issuer "https://127.0.0.1:$APISERVER_PORT" --api-audiences "https://127.0.0.1:$APISERVER_PORT" \
    --authorization-mode RBAC --service-cluster-ip-range "$SERVICE_CIDR" --allow-privileged=true \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$pki/ca.crt" --kubelet-preferred-address-types InternalIP \
    --enable-priority-and-fairness=false --event-ttl 2h --v 1; then :; fi
wait_for kube-apiserver 120 kube_healthy
# A cluster created with another Service range keeps it (the default ServiceCIDR object outlives
# the flag): Services then get no loopback clusterIP and kube-proxy cannot listen on them.
cidr_json="$(curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
  "https://127.0.0.1:$APISERVER_PORT/apis/networking.k8s.io/v1/servicecidrs/kubernetes" || true)"
if [ -n "$cidr_json" ] && ! grep -q "\"$SERVICE_CIDR\"" <<<"$cidr_json"; then
  log "WARNING: this cluster's Service range is not $SERVICE_CIDR (it was created with another one), so Services get no"
  log "  stable loopback address (docs/node-agent.md, Services). To fix: scripts/stack/down.sh; rm -rf $STACK/etcd; scripts/stack/up.sh"
fi

# kube-controller-manager
if ensure kube-controller-manager "$KCM_PORT" "$BIN/kube-controller-manager" \
    --kubeconfig "$pki/controller-manager.kubeconfig" --authentication-kubeconfig "$pki/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$pki/controller-manager.kubeconfig" --bind-address 127.0.0.1 --secure-port "$KCM_PORT" \
    --leader-elect=false --use-service-account-credentials=true --service-account-private-key-file "$pki/sa.key" \
    --root-ca-file "$pki/ca.crt" --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --controllers '*,-nodeipam,-service-lb-controller,-route,-cloud-node-lifecycle' --v 1; then :; fi
wait_for kube-controller-manager 60 curl -skf "https://127.0.0.1:$KCM_PORT/healthz"

# kube-proxy (each Service's clusterIP:port forwarded to a ready pod): its own process, as in a cluster, so a
# restart of the node agent (the kubelet) leaves the connections through Services open.
if [ -f "$root/src/local/kube-proxy/main.ts" ]; then
  if ensure kube-proxy "$KUBE_PROXY_PORT" "$root/node_modules/.bin/node" --import tsx "$root/src/local/kube-proxy/main.ts" \
      --kubeconfig "$KUBECONFIG_FILE" --health-port "$KUBE_PROXY_PORT" --service-cidr "$SERVICE_CIDR"; then :; fi
  wait_for kube-proxy 60 curl -sf "http://127.0.0.1:$KUBE_PROXY_PORT/healthz"
fi

# node agent (the kubelet: runs pods as local processes)
if [ -f "$root/src/local/node-agent/main.ts" ]; then
  if ensure node-agent "$NODE_AGENT_PORT" "$root/node_modules/.bin/node" --import tsx "$root/src/local/node-agent/main.ts" \
      --kubeconfig "$KUBECONFIG_FILE" --state-dir "$STACK/node" --flink-home "$FLINK_HOME" --jobs-dir "$STACK/jobs" \
      --health-port "$NODE_AGENT_PORT" --kubelet-port "$KUBELET_PORT" --pod-cidr "$POD_CIDR" --service-cidr "$SERVICE_CIDR" \
      --tls-cert "$pki/kubelet.crt" --tls-key "$pki/kubelet.key" --client-ca "$pki/ca.crt" --pip "$VENV/bin/pip"; then :; fi
  wait_for node-agent 60 curl -sf "http://127.0.0.1:$NODE_AGENT_PORT/healthz"
fi

# S3Proxy: the S3-compatible server for s3:// savepoints and checkpoints (docs/object-storage.md).
bash "$root/scripts/stack/s3proxy.sh" up

wait_for temporal 60 "$VENV/bin/temporal" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT"
log "stack is up: kubeconfig $KUBECONFIG_FILE, Temporal 127.0.0.1:$TEMPORAL_PORT, Web UI http://127.0.0.1:$TEMPORAL_UI_PORT"
bash "$(dirname "$0")/status.sh"
