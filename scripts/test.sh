#!/usr/bin/env bash
# README's test command: installs what the tests need, starts the local stack, runs lint, type-check
# and the Jest projects unit, integration and e2e against the real components (e2e in one lane; unit
# and integration beside it, then the short e2e suites), then stops the stack. FD_TEST_PROJECTS names
# other projects (`npm run test:long`: the project long); with arguments (`npm test -- <path>`), one
# Jest runs them.
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
if [ -n "${FD_TEST_PROJECTS:-}" ] || [ $# -gt 0 ] || [ "${FD_TEST_LANES:-2}" = 1 ]; then
  # shellcheck disable=SC2086
  npx jest --ci --selectProjects ${FD_TEST_PROJECTS:-unit integration e2e} "$@"
  exit
fi
# Two lanes: e2e (one suite at a time: each deploys Flink clusters through the shared node agent) and, beside it,
# unit and integration (their own loopback addresses, namespaces and task queues), then the short e2e suites
# named in $late: each e2e suite has its own namespace, task queue and worker, so two run at once safely, and the
# lanes end together (alone, e2e took 43 min on 2 cores while unit and integration ended after 34). Most of an
# e2e suite is waiting on Flink, so the second lane fits in the CPU it leaves. FD_TEST_LANES=1 runs everything in
# one Jest.
late='suspend-resume|state-parallelism|delete|web-ui|web-ui-codec'
late_pattern="test/e2e/($late)\\.test\\.ts\$"
log="${FD_STACK_DIR:-$root/.stack}/logs/test-unit-integration.log"
mkdir -p "$(dirname "$log")"
echo "[test] unit and integration, then the e2e suites $late, run beside the other e2e suites; their output"
echo "[test] goes to $log and is printed when both lanes are done"
second_lane() {
  local rc=0
  npx jest --ci --selectProjects unit integration || rc=$?
  npx jest --ci --selectProjects e2e --testPathPatterns "$late_pattern" || rc=$?
  return "$rc"
}
export late_pattern
export -f second_lane
# Its own process group (setsid), so that an interrupted run stops the lane's Jest too, not only its shell.
setsid bash -c second_lane >"$log" 2>&1 &
lane=$!
trap 'kill -- -"$lane" 2>/dev/null || true; cleanup' EXIT
set +e
npx jest --ci --selectProjects e2e --testPathIgnorePatterns /node_modules/ '<rootDir>/.stack/' "$late_pattern"
e2e_rc=$?
wait "$lane"
lane_rc=$?
set -e
echo "---- unit and integration, then e2e: $late ($log) ----"
cat "$log"
echo "[test] e2e: exit $e2e_rc; unit and integration, then e2e ($late): exit $lane_rc"
[ "$e2e_rc" = 0 ] && [ "$lane_rc" = 0 ]
