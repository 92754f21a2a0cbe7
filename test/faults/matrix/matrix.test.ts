/**
 * Issue 12's fault matrix: every selected cell (operation × injection point × fault, cells.ts) run
 * FD_FAULTS_REPEAT times (default 3), each run on a fresh application: set up without faults, start the
 * operation, reach the point, inject the fault (and heal it), let the operation end, then check every
 * invariant (invariants.ts) and append the run to the results file (docs/reliability.md is made from it
 * by scripts/faults-report.ts). `npm run faults -- --only <operation|fault|id> --repeat N` selects.
 * Faults that restart stack components run only on a stack scripts/faults-stack.sh started.
 */
import { execFileSync } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { removeApp } from '../../support/e2e';
import { stack } from '../../support/stack';
import { watchForTwoJobs } from '../../support/two-jobs-watcher';
import { cellId, selectCells, StackFaults, type Cell } from './cells';
import { faultInjectors, ownStack } from './faults';
import { currentPhase, reachPoint, type PointTarget } from './injection';
import {
  cliDocument,
  continuityInvariant,
  endStateInvariants,
  lockInvariant,
  outcomeInvariants,
  savepointInvariants,
  twoJobsInvariant,
  type RunOutcome,
} from './invariants';
import { MatrixEnv } from './matrix-env';
import { scenarios, stability, type RunContext } from './operations';
import { appendResult, resultsFile, type RunResult } from './results';

// One run: a set-up deploy, the operation, a fault that may keep it waiting minutes, the next operation.
jest.setTimeout(30 * 60_000);

const repeat = Number(process.env.FD_FAULTS_REPEAT ?? '3');
const cells = selectCells(process.env.FD_FAULTS_ONLY).filter((c) => !StackFaults.includes(c.fault) || ownStack());
const runs: Array<[string, number, Cell]> = cells.flatMap((cell) =>
  Array.from({ length: repeat }, (_, i): [string, number, Cell] => [cellId(cell), i + 1, cell]),
);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: stack.root }).toString().trim();
const results = resultsFile(stack.root);

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

/** Outcomes right for the fault: a worker away longer than the stability timeout may also end the rollout. */
function accepted(cell: Cell): string[] {
  const base = scenarios[cell.operation].accepted;
  if (cell.fault !== 'worker-down-long') return base;
  return [...base, cell.operation.startsWith('upgrade') ? 'rolled-back' : 'failed'];
}

test('the selection (FD_FAULTS_ONLY, stack faults only on an own stack) names at least one run', () => {
  expect(runs.length).toBeGreaterThan(0);
});

test.each(runs)('%s, run %d', async (id, n, cell) => {
  const scenario = scenarios[cell.operation];
  const app = `cell-${++appIndex}-${Date.now() % 100_000}`;
  const before = env.outputDir(app, 'gen-1');
  const run: RunContext = {
    env,
    app,
    before,
    after: scenario.newOutput ? env.outputDir(app, 'gen-2') : before,
    lastManifest: '',
  };
  const started = Date.now();
  const result: RunResult = {
    cell: id,
    run: n,
    startedAt: new Date(started).toISOString(),
    seconds: 0,
    commit,
    passed: false,
    invariants: [],
  };
  try {
    await scenario.setup(run);
    const watcher = watchForTwoJobs(env.namespace, app);
    const ended = new AbortController();
    const acting = scenario.act(run).finally(() => ended.abort());
    const target: PointTarget = {
      client,
      proxy: env.proxy,
      namespace: env.namespace,
      app,
      workflowId: scenario.workflowId(run),
      signal: ended.signal,
    };
    try {
      const reached = await reachPoint(target, cell.point);
      result.phaseAtFault = await currentPhase(target);
      try {
        result.fault = await faultInjectors[cell.fault]({
          env,
          proxy: env.proxy,
          app,
          stabilityTimeoutSeconds: stability.timeoutSeconds,
        });
      } finally {
        reached.release();
      }
    } catch (err) {
      await acting;
      await watcher.stop();
      throw err;
    }
    const cli = await acting;
    const seen = await watcher.stop();
    const outcome: RunOutcome = { scenario, run, cli, accepted: accepted(cell), seen, client };
    const doc = cliDocument(cli);
    result.exitCode = cli.code;
    result.outcome = doc.outcome;
    result.invariants.push(...outcomeInvariants(outcome));
    result.invariants.push(...(await endStateInvariants(outcome)));
    result.invariants.push(continuityInvariant(outcome));
    result.invariants.push(twoJobsInvariant(seen));
    result.invariants.push(...(await savepointInvariants(outcome, scenario.workflowId(run))));
    result.invariants.push(await lockInvariant(outcome));
    result.passed = result.invariants.every((i) => i.ok);
  } catch (err) {
    result.error = (err as Error).message.slice(0, 1000);
  } finally {
    result.seconds = Math.round((Date.now() - started) / 1000);
    appendResult(results, result);
    await removeApp(env.namespace, app).catch(() => undefined);
  }
  expect({ error: result.error, failed: result.invariants.filter((i) => !i.ok) }).toEqual({
    error: undefined,
    failed: [],
  });
});
