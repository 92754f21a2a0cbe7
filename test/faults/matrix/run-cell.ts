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
  endStateInvariants,
  lockInvariant,
  outcomeInvariants,
  savepointInvariants,
  stoppedShort,
  terminatedRunInvariant,
  twoJobsInvariant,
  type RunOutcome,
} from './invariants';
import { continuityUnder } from './continuity';
import type { MatrixEnv } from './matrix-env';
import { scenarios, stability, type RunContext } from './operations';
import { faultLanded, type RunResult } from './results';
import { outcomeOrThrow, settle } from './settled';

/**
 * Outcomes right for the fault: a worker away longer than the stability timeout may also end the rollout; a
 * cancel stops the run where it is safe (`cancelled`), brings the last stable version back (`rolled-back`), or
 * came too late (the operation's own outcome).
 */
export function acceptedOutcomes(cell: Cell): string[] {
  const base = scenarios[cell.operation].accepted;
  if (cell.fault === 'cancel') return [...new Set([...base, 'cancelled', 'rolled-back'])];
  // The command run again after a terminate may find the operation finished by the terminated run's last step.
  if (cell.fault === 'terminate') return [...new Set([...base, 'no-change'])];
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

interface InjectionInput {
  env: MatrixEnv;
  cell: Cell;
  subject: string;
  jobManagersOf: string;
  result: RunResult;
}

/** Reaches the cell's point, injects its fault there and lets the held answer go; notes both in `result`. */
async function injectAtPoint(
  target: PointTarget,
  { env, cell, subject, jobManagersOf, result }: InjectionInput,
): Promise<void> {
  const reached = await reachPoint(target, cell.point);
  // A periodic run's Disposing shows in neither the record nor a search attribute: it is the held answer.
  result.phaseAtFault = (await currentPhase(target)) ?? (reached.held ? cell.point : undefined);
  try {
    result.fault = await faultInjectors[cell.fault]({
      env,
      proxy: env.proxy,
      app: target.app,
      subject,
      client: target.client,
      jobManagersOf,
      stabilityTimeoutSeconds: stability.timeoutSeconds,
      inPlace: reached.release,
      signal: target.signal,
    });
  } finally {
    reached.release();
  }
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
    const actStarted = new Date();
    // A session job has no JobManager of its own: its cluster's, which runs no other job in the cell.
    const jobManagersOf = scenario.sessionCluster?.(run) ?? run.app;
    const watcher = watchForTwoJobs(env.namespace, jobManagersOf);
    const ended = new AbortController();
    // Settled at once: an operation that throws while the point is awaited is neither unhandled nor lost.
    const acting = settle(scenario.act(run)).finally(() => ended.abort());
    const target: PointTarget = {
      client,
      proxy: env.proxy,
      namespace: env.namespace,
      app: run.app,
      workflowId: scenario.workflowId(run),
      signal: ended.signal,
    };
    const subject = scenario.subject?.(run) ?? run.app;
    const injected = await settle(injectAtPoint(target, { env, cell, subject, jobManagersOf, result }));
    // Whatever the injection and the operation did (a periodic run deletes its schedule even when it throws),
    // the operation has ended and the watcher stops before anything is thrown: else it samples on, Jest hangs.
    const acted = await acting;
    // A terminated run wrote nothing more: its command run again must lead on (the watcher samples through it).
    const terminated = cell.fault === 'terminate' && faultLanded(result.fault) === true && acted.ok;
    const again = terminated ? await settle((scenario.again ?? scenario.act)(run)) : undefined;
    const seen = await watcher.stop();
    const first = outcomeOrThrow(injected, acted);
    const cli = again ? outcomeOrThrow(injected, again) : first;
    if (again) result.invariants.push(terminatedRunInvariant(first));
    const continuity = continuityUnder(scenario.continuity, cell.fault);
    const short = stoppedShort({ fault: cell.fault, scenario, cli });
    const outcome: RunOutcome = {
      scenario: { ...scenario, continuity },
      fault: cell.fault,
      run,
      cli,
      accepted: acceptedOutcomes(cell),
      seen,
      client,
      stoppedShort: short,
    };
    result.faultLanded = faultLanded(result.fault);
    result.exitCode = cli.code;
    result.outcome = cliDocument(cli).outcome;
    result.invariants.push(...outcomeInvariants(outcome));
    result.invariants.push(...(await endStateInvariants(outcome)));
    result.invariants.push(continuityInvariant(outcome));
    result.invariants.push(twoJobsInvariant(seen, short && scenario.start !== 'running'));
    const takenBy = scenario.savepointsTakenBy?.(run);
    result.invariants.push(
      ...(await (takenBy
        ? savepointInvariants(outcome, takenBy, actStarted)
        : savepointInvariants(outcome, scenario.workflowId(run)))),
    );
    result.invariants.push(await lockInvariant(outcome));
    result.passed = result.invariants.every((i) => i.ok);
  } catch (err) {
    result.error = (err as Error).message.slice(0, 1000);
  }
  result.seconds = Math.round((Date.now() - started) / 1000);
  return result;
}
