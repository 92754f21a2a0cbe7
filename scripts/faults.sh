#!/usr/bin/env bash
# The fault tests (not part of `npm test`): the minutes-long end-to-end files of test/faults on the local
# stack, then the fault matrix (test/faults/matrix, hours) on its own stack (scripts/faults-stack.sh: its
# cells restart the Temporal server, the kube-apiserver and the node agent, never on the shared stack).
#   npm run faults                                  everything (the matrix: every cell, 3 runs each)
#   npm run faults -- --only <operation|fault|id>   the matrix cells named (comma-separated; see
#                                                   test/faults/matrix/cells.ts), not the other files
#   npm run faults -- --repeat N                    runs per matrix cell (default 3)
#   npm run faults -- --resume                      only the runs the results lack: each cell up to N counted
#                                                   runs (an interrupted matrix goes on where it stopped)
#   npm run faults -- --lanes N                     the matrix on N fault stacks at once (1–8, default 1;
#                                                   each lane's output in its stack's logs/matrix.log)
#   npm run faults -- test/faults/stuck.test.ts     one file (other arguments go to Jest)
# Each matrix run is appended to its operation's file in docs/reliability-results/ (or FD_FAULTS_RESULTS);
# regenerate the report with `node --import tsx scripts/faults-report.ts` (docs/reliability.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
only="" repeat=3 resume=0 lanes=1 jest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --resume) resume=1; shift ;;
    --lanes) [[ "${2:-}" =~ ^[1-8]$ ]] || { echo "--lanes needs a number of lanes from 1 to 8 (got '${2:-}')" >&2; exit 2; }
      lanes="$2"; shift 2 ;;
    --lanes=*) lanes="${1#--lanes=}"
      [[ "$lanes" =~ ^[1-8]$ ]] || { echo "--lanes needs a number of lanes from 1 to 8 (got '$lanes')" >&2; exit 2; }
      shift ;;
    --only) [ $# -ge 2 ] || { echo "--only needs a value: an operation, a fault, a phase or a cell id" >&2; exit 2; }
      only="$2"; shift 2 ;;
    --only=*) only="${1#--only=}"; shift ;;
    --repeat) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "--repeat needs a whole number ≥ 1 (got '${2:-}')" >&2; exit 2; }
      repeat="$2"; shift 2 ;;
    --repeat=*) repeat="${1#--repeat=}"
      [[ "$repeat" =~ ^[1-9][0-9]*$ ]] || { echo "--repeat needs a whole number ≥ 1 (got '$repeat')" >&2; exit 2; }
      shift ;;
    *) jest_args+=("$1"); shift ;;
  esac
done
export PATH="$root/node_modules/.bin:$PATH"
if [ -n "$only" ]; then
  # Refuse unknown names before anything starts.
  if ! checked="$(FD_FAULTS_ONLY="$only" node --import tsx -e \
      "require('./test/faults/matrix/cells').selectCells(process.env.FD_FAULTS_ONLY)" 2>&1)"; then
    grep -o -- '--only: .*' <<<"$checked" >&2 || echo "$checked" >&2
    exit 2
  fi
fi
bash scripts/setup.sh
if [ -z "$only" ]; then
  started=0
  if ! bash scripts/stack/status.sh >/dev/null 2>&1; then bash scripts/stack/up.sh; started=1; fi
  # Jest's --selectProjects takes every name after it: paths go first.
  # The files of test/faults itself (the matrix runs below, on its own stack) unless files were named.
  [ ${#jest_args[@]} -gt 0 ] || jest_args=('test/faults/[^/]+\.test\.ts$')
  (npx jest --ci --runInBand "${jest_args[@]}" --selectProjects faults) || status=$?
  [ $started = 1 ] && bash scripts/stack/down.sh
  [ "${status:-0}" = 0 ] || exit "$status"
  [[ "${jest_args[0]}" == 'test/faults/[^/]+\.test\.ts$' ]] || exit 0
fi
export FD_FAULTS_ONLY="$only" FD_FAULTS_REPEAT="$repeat" FD_FAULTS_RESUME="$resume"
# Each lane's runs (test/faults/matrix/plan.ts), before any stack starts: a lane with none starts nothing.
mapfile -t planned < <(LANES="$lanes" node --import tsx -e "
  const { plannedRuns } = require('./test/faults/matrix/plan');
  const n = Number(process.env.LANES);
  for (let k = 1; k <= n; k++) console.log(plannedRuns({ ...process.env, FD_FAULTS_LANE: k + '/' + n }, '.', true).length);
")
[ "${#planned[@]}" = "$lanes" ] || { echo "could not plan the matrix's runs" >&2; exit 1; }
total=0; for r in "${planned[@]}"; do total=$((total + r)); done
if [ "$total" = 0 ]; then
  echo "nothing to run: every selected cell has $repeat counted runs in the results (docs/reliability-results${FD_FAULTS_RESULTS:+, $FD_FAULTS_RESULTS})"
  exit 0
fi
started=() pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -- -"$pid" 2>/dev/null || true; done
  for k in "${started[@]}"; do bash scripts/faults-stack.sh down "$k" || true; done
}
trap cleanup EXIT
lane_env=()
for k in $(seq 1 "$lanes"); do
  [ "${planned[k - 1]}" -gt 0 ] || continue
  if ! (eval "$(bash scripts/faults-stack.sh env "$k")"; bash scripts/stack/status.sh) >/dev/null 2>&1; then
    started+=("$k")
  fi
  # Assigned first: `eval "$(…)"` would swallow a failed start and run the cells on the shared stack.
  lane_env[$k]="$(bash scripts/faults-stack.sh up "$k")"
done
matrix=(npx jest --ci --runInBand test/faults/matrix/matrix.test.ts --selectProjects faults)
if [ "$lanes" = 1 ]; then
  eval "${lane_env[1]}"
  "${matrix[@]}"
  exit
fi
status=0
logs=()
for k in "${!lane_env[@]}"; do
  log="$(eval "${lane_env[$k]}"; echo "$FD_STACK_DIR")/logs/matrix.log"
  logs[$k]="$log"
  echo "[faults] lane $k of $lanes: ${planned[k - 1]} runs; each appended to the results as it ends, Jest's output in $log"
  # Its own process group (setsid without a fork: a background job of a script leads none), so that an
  # interrupted matrix stops each lane's Jest and its workers, not only the lane's shell.
  (eval "${lane_env[$k]}"; FD_FAULTS_LANE="$k/$lanes" exec setsid "${matrix[@]}") >"$log" 2>&1 &
  pids+=($!)
done
for i in "${!pids[@]}"; do wait "${pids[i]}" || status=1; done
pids=()
for k in "${!logs[@]}"; do
  log="${logs[$k]}"
  echo "[faults] lane $k: $(grep -E '^Tests:' "$log" | tail -1 || echo 'no Jest summary; see its log') ($log)"
done
exit "$status"
