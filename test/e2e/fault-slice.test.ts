/**
 * The fault matrix's representative slice (issue 12), in `npm test`: the cheapest cells, one per kind of
 * fault that can run on the shared stack, on ONE application: a manual savepoint hit at the entry of
 * Savepointing by a worker SIGKILL, a SIGTERM, Flink REST answering 503 / resetting / stalling, the
 * Kubernetes API answering 500 / 409 on writes, resetting and stalling, the JobManager SIGSTOPped 5 s, the user's
 * `flink-deploy cancel` (the savepoint is never interrupted: it finishes, or the run is cancelled), the run
 * terminated (the savepoint Flink took for it is recorded by the same command run again, which leads on); each
 * run's invariants as in the matrix (test/faults/matrix). The stack restarts (Temporal, the API server, the node
 * agent) and the long worker outage run in `npm run faults`: they would stop the stack under the suites running
 * beside this one, or take minutes. So does the JobManager pod deleted mid-savepoint (up to 5 minutes of
 * leader election and failover); test/e2e/ha.test.ts deletes it between operations. With FD_FAULTS_RESULTS set,
 * runs are appended there.
 */
import { execFileSync } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { markOutput, removeApp } from '../support/e2e';
import { stack } from '../support/stack';
import type { Cell, FaultName } from '../faults/matrix/cells';
import { MatrixEnv } from '../faults/matrix/matrix-env';
import { scenarios, type RunContext } from '../faults/matrix/operations';
import { appendResult, runVerdict } from '../faults/matrix/results';
import { runCell } from '../faults/matrix/run-cell';

const faults: FaultName[] = [
  'worker-sigkill',
  'worker-sigterm',
  'flink-5xx',
  'flink-reset',
  'flink-stall',
  'kube-5xx',
  'kube-409',
  'kube-reset',
  'kube-stall',
  'jobmanager-sigstop',
  'cancel',
  'terminate',
];
const env = new MatrixEnv('e2e-slice');
const app = 'slice';
const before = env.outputDir(app, 'gen-1');
const run: RunContext = { env, app, before, after: before, lastManifest: '' };
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: stack.root }).toString().trim();
let connection: Connection;
let client: Client;
beforeAll(async () => {
  await env.setUp();
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
  await scenarios.savepoint.setup(run);
});
afterAll(async () => {
  await removeApp(env.namespace, app).catch(() => undefined);
  await connection?.close();
  await env.tearDown();
});

test.each(faults)('savepoint/Savepointing/%s: every invariant holds', async (fault) => {
  const cell: Cell = { operation: 'savepoint', point: 'Savepointing', fault };
  run.mark = markOutput(before);
  const result = await runCell({ env, client, cell, run, n: 1, commit, setUp: false });
  if (process.env.FD_FAULTS_RESULTS) appendResult(process.env.FD_FAULTS_RESULTS, result);
  expect({ error: result.error, failed: result.invariants.filter((i) => !i.ok) }).toEqual({
    error: undefined,
    failed: [],
  });
  // The fault landed (it touched a call or a process), while the savepoint ran (the phase read right after it).
  expect({ verdict: runVerdict(result), fault: result.fault }).toEqual({ verdict: 'passed', fault: result.fault });
  expect(result.phaseAtFault).toBe('Savepointing');
});
