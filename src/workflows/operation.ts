/**
 * The frame every operation runs in: take the per-application lock (recording the intent),
 * run the body, then record the outcome and release the lock — also when the body fails or
 * the operation is cancelled (in a non-cancellable scope, so the record never stays locked).
 */
import { findCause } from '../contract/errors';
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  isCancellation,
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeployedState, RecordChange } from '../contract/deployed-state';
import { endWithDisposal, record } from './activity-profiles';
import { withDisposals } from './disposals';
import { FailureType } from '../contract/failures';
import { Phase } from '../contract/phases';
import { PeriodicOutcomeOnFailurePatch, ProgressTracker } from './progress';
import { outcomeOfFailure, type Operation, type OperationResult } from '../contract/operations';
import type { AppRef } from '../contract/app';

/** `patched()` ids of workflow changes that runs in flight must replay around (docs/workflows.md). */
export const Patch = {
  /** The record's `operation.phase` is written on entering each phase. */
  RecordPhase: 'record-phase',
  /** A savepoint run shows the Disposing phase while it disposes old savepoints. */
  DisposingPhase: 'disposing-phase',
  /** Taking the lock is not cancellable; a cancel that came meanwhile releases it (issue 11 item 8). */
  LockNotCancellable: 'lock-not-cancellable',
  /** The apply of a rollout settles before a cancel moves on to the rollback (issue 11 item 14). */
  ApplySettles: 'apply-settles',
  /** Before a generation is applied: the old one's pods gone, HA ConfigMaps removed (ha-metadata.ts). */
  HaMetadataBeforeRollout: 'ha-metadata-before-rollout',
  /** Suspend removes the stopped generation's HA ConfigMaps (ha-metadata.ts). */
  HaMetadataOnSuspend: 'ha-metadata-on-suspend',
  /** A failed savepoint says no savepoint was taken, what Flink says of the job, and what to run (jobState). */
  SavepointFailureSaysJobState: 'savepoint-failure-says-job-state',
  /** A savepoint run's Savepointing phase is written to the record by takeSavepoint itself (recordFirst). */
  SavepointPhaseWithTrigger: 'savepoint-phase-with-trigger',
  /** A periodic savepoint upserts FlinkOutcome only when it failed or was cancelled (progress.ts). */
  PeriodicOutcomeOnFailure: PeriodicOutcomeOnFailurePatch,
  /** A savepoint run's disposals ride in the activity that writes its end (endAndDispose): one action fewer. */
  DisposeWithEnd: 'dispose-with-end',
  /** A fleet rollout applies session clusters before their jobs; a job starts once its cluster's change ended. */
  FleetSessionClustersFirst: 'fleet-session-clusters-first',
  /** delete of a stateless job whose final savepoint fails cancels it (saying why) instead of failing. */
  DeleteStatelessCancels: 'delete-stateless-cancels',
  /** suspend of a stateless job whose savepoint fails cancels it (saying why) instead of failing. */
  SuspendStatelessCancels: 'suspend-stateless-cancels',
  /**
   * A savepoint trigger Flink failed while the job was failing over is tried again with a new trigger id, recorded
   * first, up to `savepoint.failoverAttempts` triggers (savepoint-retry.ts).
   */
  SavepointRetryAfterFailover: 'savepoint-retry-after-failover',
  /**
   * A restart after a job FAILED restores from the latest checkpoint Flink names once the job ended (latestCheckpoint
   * reads past Flink's statistics cache), not from the observer's sweep, which may name one Flink deleted since.
   */
  RestartReadsLatestCheckpoint: 'restart-reads-latest-checkpoint',
} as const;

/** What an operation body gets: the record as it was when the lock was taken, and helpers. */
export interface OperationContext {
  app: AppRef;
  workflowId: string;
  state: DeployedState;
  progress: ProgressTracker;
  /**
   * Enter a phase before its side effects: the progress query, the UI and (patch `record-phase`)
   * the record's `operation.phase`, so `flink-deploy status` shows it while no worker answers.
   */
  enterPhase(phase: Phase, details: string): Promise<void>;
  /** Record changes under the lock (one activity call). */
  recordChanges(...changes: RecordChange[]): Promise<void>;
}

/** A body's result plus the last record changes, written together with the lock release. */
export interface BodyResult {
  result: OperationResult;
  finalChanges?: RecordChange[];
  /**
   * Savepoints to dispose after the end, planned in `finalChanges` (`disposal-planned`): the end and
   * the disposals are one activity (endAndDispose), and the result says what was disposed.
   */
  dispose?: string[];
}

export interface RunOperationOptions {
  app: AppRef;
  operation: Operation;
  intent?: Record<string, string | number | boolean>;
  /** See ProgressTracker: periodic savepoints don't upsert each phase. */
  upsertPhases?: boolean;
  /** What to do when the lock is held by another operation; default: fail. */
  onLockHeld?: (holderMessage: string) => OperationResult;
  /** Work after the lock is released (e.g. disposing savepoints); may amend the result. */
  afterRelease?: (result: OperationResult, progress: ProgressTracker) => Promise<OperationResult>;
}

/** Runs `body` holding the application's lock; see the module comment. */
export async function runOperation(
  options: RunOperationOptions,
  body: (ctx: OperationContext) => Promise<BodyResult>,
): Promise<OperationResult> {
  const { app, operation } = options;
  const { workflowId, runId } = workflowInfo();
  const progress = new ProgressTracker(app, operation, options.upsertPhases ?? true);
  progress.enter(Phase.Locking, `taking the lock of ${app.namespace}/${app.name}`);
  let state: DeployedState;
  const begin = () => record.beginOperation({ app, workflowId, runId, operation, intent: options.intent });
  // A cancel must not abandon the lock activity in flight: it could take the lock after this run ended.
  const lockNotCancellable = patched(Patch.LockNotCancellable);
  try {
    state = await (lockNotCancellable ? CancellationScope.nonCancellable(begin) : begin());
  } catch (err) {
    const failure = applicationFailureOf(err);
    if (failure?.type === FailureType.OperationInProgress && options.onLockHeld) {
      const result = options.onLockHeld(failure.message);
      progress.finish(result);
      return result;
    }
    throw failure ?? err;
  }
  const ctx: OperationContext = {
    app,
    workflowId,
    state,
    progress,
    recordChanges: (...changes) => record.updateRecord({ app, workflowId, changes }),
    enterPhase: async (phase, details) => {
      progress.enter(phase, details);
      // Runs started before this write existed replay without it (their histories have no marker).
      if (patched(Patch.RecordPhase))
        await record.updateRecord({ app, workflowId, changes: [{ kind: 'phase', phase, details }] });
    },
  };
  try {
    // Cancelled while taking the lock: released below with the outcome `cancelled`.
    if (lockNotCancellable && CancellationScope.current().consideredCancelled)
      throw new CancelledFailure(`${operation} cancelled while taking the lock`);
    const { result, finalChanges, dispose } = await body(ctx);
    progress.enter(Phase.Done, result.message);
    const end = {
      app,
      workflowId,
      runId,
      changes: finalChanges ?? [],
      end: { operation: result.operation, outcome: result.outcome, message: result.message },
    };
    // The body is done: a cancel that came too late to stop it (suspend, rollback) must not keep
    // its outcome out of the record.
    let ended = result;
    if (dispose?.length) {
      progress.enter(Phase.Disposing, `disposing ${dispose.length} savepoint(s) beyond the retention policy`);
      const disposals = await CancellationScope.nonCancellable(() =>
        endWithDisposal.endAndDispose({ ...end, dispose }),
      );
      ended = withDisposals(result, disposals);
    } else {
      await CancellationScope.nonCancellable(() => record.updateRecord(end));
    }
    const final = options.afterRelease ? await options.afterRelease(ended, progress) : ended;
    progress.finish(final);
    return final;
  } catch (err) {
    const cancelled = isCancellation(err);
    const failure = applicationFailureOf(err);
    const outcome = outcomeOfFailure({ cancelled, failureType: failure?.type });
    // What `apply` turned out to be (upgrade...): the outcome's Event says "upgrade rolled-back".
    const ended = progress.currentOperation;
    const message = cancelled ? `${ended} cancelled` : (failure?.message ?? String(err));
    await CancellationScope.nonCancellable(async () => {
      progress.enter(Phase.Failed, message);
      await record.updateRecord({ app, workflowId, runId, changes: [], end: { operation: ended, outcome, message } });
      progress.finish({ operation: ended, outcome, message });
    });
    // Fail with the ApplicationFailure itself (not the ActivityFailure around it), so callers
    // read its type: SavepointFailed, UpgradeRolledBack, OperationInProgress...
    throw failure && !cancelled ? failure : err;
  }
}

/** The ApplicationFailure behind an error (activity failures wrap it as their cause). */
export function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  return findCause(err, (e): e is ApplicationFailure => e instanceof ApplicationFailure);
}
