/**
 * Issue 12's fault matrix: every selected cell (operation × injection point × fault, cells.ts) run
 * FD_FAULTS_REPEAT times (default 3), each run on a fresh application: set up without faults, start the
 * operation, reach the point, inject the fault (and heal it), let the operation end, then check every
 * invariant (invariants.ts) and append the run to its operation's results file (docs/reliability-results/;
 * docs/reliability.md is made from them by scripts/faults-report.ts).
 * `npm run faults -- --only <operation|fault|id> --repeat N [--resume] [--lanes N]` selects (plan.ts).
 * Faults that restart stack components run only on a stack scripts/faults-stack.sh started.
 */
import { execFileSync } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { removeApp } from '../../support/e2e';
import { stack } from '../../support/stack';
import type { Cell } from './cells';
import { ownStack } from './faults';
import { MatrixEnv } from './matrix-env';
import { scenarios, type RunContext } from './operations';
import { plannedRuns } from './plan';
import { appendResult, resultsFile, type RunResult } from './results';
import { runCell } from './run-cell';

const runs = plannedRuns(process.env, stack.root, ownStack()).map(({ id, n, cell }): [string, number, Cell] => [
  id,
  n,
  cell,
]);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: stack.root }).toString().trim();

const env = new MatrixEnv('faults-matrix');
let connection: Connection;
let client: Client;
let appIndex = 0;
beforeAll(async () => {
  await env.setUp();
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
  await env.tearDown();
});

test('the selection (FD_FAULTS_ONLY, stack faults only on an own stack) names at least one run', () => {
  expect(runs.length).toBeGreaterThan(0);
});

test.each(runs)(
  '%s, run %d',
  async (_id, n, cell) => {
    const app = `cell-${++appIndex}-${Date.now() % 100_000}`;
    const before = env.outputDir(app, 'gen-1');
    const after = scenarios[cell.operation].newOutput ? env.outputDir(app, 'gen-2') : before;
    const run: RunContext = { env, app, before, after, lastManifest: '' };
    let result: RunResult | undefined;
    try {
      result = await runCell({ env, client, cell, run, n, commit, setUp: true });
      appendResult(resultsFile(stack.root, cell.operation), result);
    } finally {
      // A session job's cluster first: its pods (`<app>-sc-…`) are among those removeApp waits for.
      const cluster = scenarios[cell.operation].sessionCluster?.(run);
      if (cluster) await removeApp(env.namespace, cluster).catch(() => undefined);
      await removeApp(env.namespace, app).catch(() => undefined);
    }
    expect({ error: result.error, failed: result.invariants.filter((i) => !i.ok) }).toEqual({
      error: undefined,
      failed: [],
    });
    // A run's own bounds (the CLI's --timeout 25m, a worker down for the stability timeout) are what end it,
    // not Jest's default 10 minutes, which a worker-down-long cell on a loaded machine exceeds.
  },
  40 * 60_000,
);
