#!/usr/bin/env bash
# README's test command: installs what the tests need, starts the local stack, runs lint,
# type-check and the Jest projects unit, integration and e2e against the real components, then stops
# the stack. FD_TEST_PROJECTS names other projects (`npm run test:long`: the project long).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
export PATH="$root/node_modules/.bin:$PATH"
started=0
if ! bash scripts/stack/status.sh >/dev/null 2>&1; then bash scripts/stack/up.sh; started=1; fi
cleanup() { [ $started = 1 ] && bash scripts/stack/down.sh || true; }
trap cleanup EXIT
npx tsc -p tsconfig.json --noEmit
npx eslint src test scripts
npx prettier --check . >/dev/null || { npx prettier --check . ; echo 'formatting: run npm run format' >&2; exit 1; }
# shellcheck disable=SC2086
npx jest --ci --selectProjects ${FD_TEST_PROJECTS:-unit integration e2e} "$@"
