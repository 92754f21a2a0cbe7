/**
 * One run of one cell: set-up (optional: the slice reuses its application), the operation, the fault at
 * its point, the invariants; returns what the results file records. Never throws: a run that could not
 * be made carries its error.
 */
import type { Client } from '@temporalio/client';
import { markOutput } from '../../../scripts/lib/counter-app';
import { watchForTwoJobs } from '../../support/two-jobs-watcher';
import { cellId, type Cell } from './cells';
import { faultInjectors } from './faults';
import { currentPhase, reachPoint, type PointTarget } from './injection';
import {
  cliDocument,
  continuityInvariant,
  continuityUnder,
  endStateInvariants,
  lockInvariant,
  outcomeInvariants,
  savepointInvariants,
  twoJobsInvariant,
  type RunOutcome,
} from './invariants';
import type { MatrixEnv } from './matrix-env';
import { scenarios, stability, type RunContext } from './operations';
import type { RunResult } from './results';

/** Outcomes right for the fault: a worker away longer than the stability timeout may also end the rollout. */
export function acceptedOutcomes(cell: Cell): string[] {
  const base = scenarios[cell.operation].accepted;
  if (cell.fault !== 'worker-down-long') return base;
  return [...base, cell.operation.startsWith('upgrade') ? 'rolled-back' : 'failed'];
}

export interface CellRun {
  env: MatrixEnv;
  client: Client;
  cell: Cell;
  run: RunContext;
  /** 1-based repetition. */
  n: number;
  commit: string;
  /** False: the application is already in the operation's starting state. */
  setUp: boolean;
}

export async function runCell({ env, client, cell, run, n, commit, setUp }: CellRun): Promise<RunResult> {
  const scenario = scenarios[cell.operation];
  const started = Date.now();
  const result: RunResult = {
    cell: cellId(cell),
    run: n,
    startedAt: new Date(started).toISOString(),
    seconds: 0,
    commit,
    passed: false,
    invariants: [],
  };
  try {
    if (setUp) await scenario.setup(run);
    run.startMark = markOutput(run.before);
    // A session job has no JobManager of its own: its cluster's, which runs no other job in the cell.
    const jobManagersOf = scenario.sessionCluster?.(run) ?? run.app;
    const watcher = watchForTwoJobs(env.namespace, jobManagersOf);
    const ended = new AbortController();
    const acting = scenario.act(run).finally(() => ended.abort());
    const target: PointTarget = {
      client,
      proxy: env.proxy,
      namespace: env.namespace,
      app: run.app,
      workflowId: scenario.workflowId(run),
      signal: ended.signal,
    };
    try {
      const reached = await reachPoint(target, cell.point);
      // A periodic run's Disposing shows in neither the record nor a search attribute: it is the held answer.
      result.phaseAtFault = (await currentPhase(target)) ?? (reached.held ? cell.point : undefined);
      try {
        result.fault = await faultInjectors[cell.fault]({
          env,
          proxy: env.proxy,
          app: run.app,
          jobManagersOf,
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
    const continuity = continuityUnder(scenario.continuity, cell.fault);
    const outcome: RunOutcome = {
      scenario: { ...scenario, continuity },
      run,
      cli,
      accepted: acceptedOutcomes(cell),
      seen,
      client,
    };
    result.exitCode = cli.code;
    result.outcome = cliDocument(cli).outcome;
    result.invariants.push(...outcomeInvariants(outcome));
    result.invariants.push(...(await endStateInvariants(outcome)));
    result.invariants.push(continuityInvariant(outcome));
    result.invariants.push(twoJobsInvariant(seen));
    result.invariants.push(...(await savepointInvariants(outcome, scenario.workflowId(run))));
    result.invariants.push(await lockInvariant(outcome));
    result.passed = result.invariants.every((i) => i.ok);
  } catch (err) {
    result.error = (err as Error).message.slice(0, 1000);
  }
  result.seconds = Math.round((Date.now() - started) / 1000);
  return result;
}
