/**
 * The fault matrix's representative slice (issue 12), in `npm test`: the cheapest cells, one per kind of
 * fault that can run on the shared stack, on ONE application: a manual savepoint hit at the entry of
 * Savepointing by a worker SIGKILL, a SIGTERM, Flink REST answering 503 / resetting / stalling, the
 * Kubernetes API answering 500 / 409 on writes, the JobManager SIGSTOPped 5 s; each run's
 * invariants as in the matrix (test/faults/matrix). The stack restarts and the long worker outage run in
 * `npm run faults` (their own stack; minutes), and so does the JobManager deleted (its savepoint cell fails
 * today: docs/reliability.md). With FD_FAULTS_RESULTS set, runs are appended there.
 */
import { execFileSync } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { markOutput, removeApp } from '../support/e2e';
import { stack } from '../support/stack';
import type { Cell, FaultName } from '../faults/matrix/cells';
import { MatrixEnv } from '../faults/matrix/matrix-env';
import { scenarios, type RunContext } from '../faults/matrix/operations';
import { appendResult } from '../faults/matrix/results';
import { runCell } from '../faults/matrix/run-cell';

const faults: FaultName[] = [
  'worker-sigkill',
  'worker-sigterm',
  'flink-5xx',
  'flink-reset',
  'flink-stall',
  'kube-5xx',
  'kube-409',
  'jobmanager-sigstop',
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
  // The fault landed while the savepoint ran (the phase read right after it).
  expect(result.phaseAtFault).toBe('Savepointing');
});
