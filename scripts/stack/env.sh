# Shared settings of the local stack; sourced by the stack scripts. Every port can be
# overridden from the environment (FD_*); everything binds to loopback only.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK="${FD_STACK_DIR:-$root/.stack}"
BIN="$STACK/bin"
RUN="$STACK/run"
LOGS="$STACK/logs"
VENV="$STACK/venv"
FLINK_VERSION="2.3.0"
FLINK_HOME="$VENV/lib/python3.11/site-packages/pyflink"
TEMPORAL_PORT="${FD_TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${FD_TEMPORAL_UI_PORT:-8233}"
ETCD_PORT="${FD_ETCD_PORT:-12379}"
ETCD_PEER_PORT="${FD_ETCD_PEER_PORT:-12380}"
APISERVER_PORT="${FD_APISERVER_PORT:-16443}"
KCM_PORT="${FD_KCM_PORT:-10257}"
NODE_AGENT_PORT="${FD_NODE_AGENT_PORT:-10250}"
# The node agent's kubelet API (HTTPS: /containerLogs for `kubectl logs`), next to its health port.
KUBELET_PORT="${FD_KUBELET_PORT:-$((NODE_AGENT_PORT + 1))}"
# kube-proxy (src/local/kube-proxy): the Service proxy, its own process beside the node agent; its health port
# (/healthz, /services) defaults to kube-proxy's own healthz port.
KUBE_PROXY_PORT="${FD_KUBE_PROXY_PORT:-10256}"
# Loopback /16s for pod IPs and Service addresses (the Service range is the API server's
# --service-cluster-ip-range, so a Service's clusterIP is where kube-proxy listens).
# Two stacks on one machine need different ranges.
POD_CIDR="${FD_POD_CIDR:-127.1.0.0/16}"
SERVICE_CIDR="${FD_SERVICE_CIDR:-127.2.0.0/16}"
KUBECONFIG_FILE="$STACK/kubeconfig"
# S3Proxy (scripts/stack/s3proxy.sh): the S3-compatible server of the stack, its bucket, and the
# file with the endpoint and the credentials the stack generated (read by tests and the demo).
S3PROXY_VERSION="4.1.0"
S3PROXY_JAR="$BIN/s3proxy-$S3PROXY_VERSION.jar"
S3_PORT="${FD_S3_PORT:-18333}"
S3_BUCKET="flink"
S3_DIR="$STACK/s3"
S3_ENV_FILE="$S3_DIR/s3.env"
# Custom search attributes of flink-deploy runs (registered with the dev server at start).
SEARCH_ATTRIBUTES=(FlinkApplication=Keyword FlinkNamespace=Keyword FlinkOperation=Keyword FlinkPhase=Keyword FlinkOutcome=Keyword)
mkdir -p "$RUN" "$LOGS"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# pid_alive NAME: true when the process recorded for NAME is running (a zombie left by a SIGKILL
# whose parent has not reaped it yet is not).
pid_alive() {
  local f="$RUN/$1.pid"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null || return 1
  case "$(ps -o stat= -p "$(cat "$f")" 2>/dev/null)" in Z*|"") return 1 ;; esac
}

# port_busy PORT: true when something listens on 127.0.0.1:PORT.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start NAME CMD...: start CMD in its own session, log to $LOGS/NAME.log, record its pid.
start() {
  local name="$1"; shift
  setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
}

# wait_for NAME SECONDS CHECK...: poll CHECK until it succeeds; fail naming the log.
wait_for() {
  local name="$1" secs="$2"; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    pid_alive "$name" || die "$name exited during start-up; last lines of $LOGS/$name.log:
$(tail -n 15 "$LOGS/$name.log")"
    [ $SECONDS -lt $deadline ] || die "$name did not become healthy in ${secs}s; see $LOGS/$name.log"
    sleep 0.5
  done
}

kube_healthy() { curl -sf --cacert "$STACK/pki/ca.crt" --cert "$STACK/pki/admin.crt" --key "$STACK/pki/admin.key" "https://127.0.0.1:$APISERVER_PORT/readyz"; }
