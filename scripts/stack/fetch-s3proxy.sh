#!/usr/bin/env bash
# Fetches S3Proxy (org.gaul:s3proxy, Apache-2.0), the local stack's S3-compatible server, from
# Maven Central into $BIN: one self-contained jar, run on the machine's Java 17 with the
# filesystem backend (scripts/stack/s3proxy.sh). Checked against Maven Central's .sha1 and
# stamped: a jar already verified is kept (a warm run makes no request).
# Usage: scripts/stack/fetch-s3proxy.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"
url="https://repo1.maven.org/maven2/org/gaul/s3proxy/$S3PROXY_VERSION/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"
stamp="$S3PROXY_JAR.sha1"
if [ -s "$S3PROXY_JAR" ] && [ -s "$stamp" ] && [ "$(sha1sum "$S3PROXY_JAR" | cut -d' ' -f1)" = "$(cat "$stamp")" ]; then
  log "s3proxy $S3PROXY_VERSION: cached"; exit 0
fi
mkdir -p "$(dirname "$S3PROXY_JAR")"
log "fetching s3proxy $S3PROXY_VERSION from Maven Central (55 MB)"
expected="$(curl -fsSL --retry 3 "$url.sha1" | cut -c1-40)" \
  || die "could not fetch $url.sha1 (is Maven Central reachable?)"
[[ "$expected" =~ ^[0-9a-f]{40}$ ]] || die "$url.sha1 is not a SHA-1 checksum: '$expected'"
tmp="$S3PROXY_JAR.part"
curl -fsSL --retry 3 -o "$tmp" "$url" || { rm -f "$tmp"; die "could not fetch $url (is Maven Central reachable?)"; }
actual="$(sha1sum "$tmp" | cut -d' ' -f1)"
[ "$actual" = "$expected" ] || { rm -f "$tmp"; die "$url: SHA-1 $actual, Maven Central says $expected (download corrupted; re-run)"; }
mv "$tmp" "$S3PROXY_JAR"
echo "$expected" > "$stamp"
log "s3proxy $S3PROXY_VERSION ready ($S3PROXY_JAR)"
