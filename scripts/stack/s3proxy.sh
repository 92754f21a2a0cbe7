#!/usr/bin/env bash
# The local stack's S3-compatible server: S3Proxy (scripts/stack/fetch-s3proxy.sh) on loopback,
# filesystem backend under $S3_DIR/data, credentials generated once per stack, one bucket.
#   up      start it unless it runs (idempotent), create the bucket, write $S3_ENV_FILE
#   health  exit 0 when it answers a signed request for the bucket
#   env     print $S3_ENV_FILE (S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY)
# Stopped by scripts/stack/down.sh (by recorded pid, as the rest of the stack).
set -euo pipefail
source "$(dirname "$0")/env.sh"
endpoint="http://127.0.0.1:$S3_PORT"
region="us-east-1"

# signed METHOD PATH [curl args...]: an S3 request signed with the stack's credentials (SigV4).
signed() {
  local method="$1" path="$2"; shift 2
  # shellcheck disable=SC1090
  source "$S3_ENV_FILE"
  curl -sS --max-time 10 -X "$method" --aws-sigv4 "aws:amz:$region:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" "$@" "$endpoint$path"
}

health() { [ -f "$S3_ENV_FILE" ] && [ "$(signed HEAD "/$S3_BUCKET" -o /dev/null -w '%{http_code}' -I)" = 200 ]; }

up() {
  mkdir -p "$S3_DIR/data"
  if [ ! -s "$S3_ENV_FILE" ]; then
    local key secret
    key="fd$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Z0-9' | cut -c1-18)"
    secret="$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c1-40)"
    (umask 077 && printf 'S3_ENDPOINT=%s\nS3_REGION=%s\nS3_BUCKET=%s\nS3_ACCESS_KEY=%s\nS3_SECRET_KEY=%s\n' \
      "$endpoint" "$region" "$S3_BUCKET" "$key" "$secret" > "$S3_ENV_FILE")
    log "s3proxy: generated credentials in $S3_ENV_FILE"
  fi
  # A port moved since the file was written: the endpoint follows it, the credentials stay.
  sed -i "s#^S3_ENDPOINT=.*#S3_ENDPOINT=$endpoint#" "$S3_ENV_FILE"
  # shellcheck disable=SC1090
  source "$S3_ENV_FILE"
  if pid_alive s3proxy; then
    log "s3proxy already running (pid $(cat "$RUN/s3proxy.pid"))"
  else
    [ -s "$S3PROXY_JAR" ] || die "no S3Proxy at $S3PROXY_JAR: run scripts/setup.sh (it fetches it from Maven Central)"
    if port_busy "$S3_PORT"; then
      die "port 127.0.0.1:$S3_PORT, needed by s3proxy, is taken by another process (see: ss -ltnp 'sport = :$S3_PORT'). Stop it, or choose another port with FD_S3_PORT"
    fi
    (umask 077 && cat > "$S3_DIR/s3proxy.properties" <<PROPS
s3proxy.endpoint=$endpoint
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$S3_DIR/data
PROPS
    )
    log "starting s3proxy on $endpoint"
    start s3proxy java -Xmx256m -jar "$S3PROXY_JAR" --properties "$S3_DIR/s3proxy.properties"
  fi
  wait_for s3proxy 60 curl -s -o /dev/null "$endpoint/"
  # Create the bucket (an existing one answers 409 BucketAlreadyOwnedByYou).
  local code
  code="$(signed PUT "/$S3_BUCKET" -o "$S3_DIR/create-bucket.out" -w '%{http_code}')" || code=000
  case "$code" in
    200|409) ;;
    *) die "s3proxy: creating bucket $S3_BUCKET answered HTTP $code: $(cat "$S3_DIR/create-bucket.out" 2>/dev/null); see $LOGS/s3proxy.log" ;;
  esac
  health || die "s3proxy: bucket $S3_BUCKET does not answer a signed HEAD; see $LOGS/s3proxy.log"
  log "s3proxy is up: $endpoint, bucket $S3_BUCKET, credentials in $S3_ENV_FILE"
}

case "${1:-}" in
  up) up ;;
  health) health ;;
  env) cat "$S3_ENV_FILE" ;;
  *) echo "usage: scripts/stack/s3proxy.sh up|health|env" >&2; exit 2 ;;
esac
