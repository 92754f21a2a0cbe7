#!/usr/bin/env bash
# The end-to-end fault tests that take minutes each (test/faults: a worker SIGTERMed mid-upgrade, a lock
# whose holder run was terminated, operations that never finished, an image that cannot be pulled, the
# observer's worker SIGKILLed). Same set-up and stack as `npm test`; extra arguments go to Jest
# (e.g. `npm run faults -- test/faults/stuck.test.ts`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
export PATH="$root/node_modules/.bin:$PATH"
started=0
if ! bash scripts/stack/status.sh >/dev/null 2>&1; then bash scripts/stack/up.sh; started=1; fi
cleanup() { [ $started = 1 ] && bash scripts/stack/down.sh || true; }
trap cleanup EXIT
npx jest --ci --runInBand --selectProjects faults "$@"
