#!/usr/bin/env bash
# The fault tests (not part of `npm test`): the minutes-long end-to-end files of test/faults on the local
# stack, then the fault matrix (test/faults/matrix, hours) on its own stack (scripts/faults-stack.sh: its
# cells restart the Temporal server, the kube-apiserver and the node agent, never on the shared stack).
#   npm run faults                                  everything (the matrix: every cell, 3 runs each)
#   npm run faults -- --only <operation|fault|id>   the matrix cells named (comma-separated; see
#                                                   test/faults/matrix/cells.ts), not the other files
#   npm run faults -- --repeat N                    runs per matrix cell (default 3)
#   npm run faults -- test/faults/stuck.test.ts     one file (other arguments go to Jest)
# Each matrix run is appended to its operation's file in docs/reliability-results/ (or FD_FAULTS_RESULTS);
# regenerate the report with `node --import tsx scripts/faults-report.ts` (docs/reliability.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
only="" repeat=3 jest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
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
own_started=0
if ! (eval "$(bash scripts/faults-stack.sh env)"; bash scripts/stack/status.sh) >/dev/null 2>&1; then own_started=1; fi
# Assigned first: `eval "$(…)"` would swallow a failed start and run the cells on the shared stack.
cleanup() { [ $own_started = 1 ] && bash scripts/faults-stack.sh down || true; }
trap cleanup EXIT
faults_env="$(bash scripts/faults-stack.sh up)"
eval "$faults_env"
FD_FAULTS_ONLY="$only" FD_FAULTS_REPEAT="$repeat" npx jest --ci --runInBand test/faults/matrix/matrix.test.ts --selectProjects faults
