/**
 * Securing the running job's state before it is torn down, by upgrade mode (docs/architecture.md, "Upgrade semantics"):
 * savepoint (stop-with-savepoint, with the checkpoint fallback only if the spec allows it),
 * last-state (the latest completed checkpoint, read before teardown), stateless (cancel).
 * Nothing is torn down when the state cannot be secured.
 */
import { ApplicationFailure, patched } from '@temporalio/workflow';
import type { SavepointEntry } from '../contract/savepoints';
import type { CheckpointInfo } from '../activities/types';
import { savepointFormatOf } from '../spec/savepoint-format';
import type { AppSpec, UpgradeMode } from '../spec/types';
import { flink, savepoints } from './activity-profiles';
import { checkpointFallback } from './decisions/checkpoint-fallback';
import { FailureType } from '../contract/failures';
import { applicationFailureOf, type OperationContext } from './operation';
import { Phase } from '../contract/phases';
import { SavepointKind } from '../contract/savepoints';
import { takeSavepointRetryingFailover } from './savepoint-retry';

export interface SecureStateInput {
  mode: UpgradeMode;
  /** The job to stop. */
  jobId: string;
  /** Recorded in the intent before this call (a retry after a failover records its own: savepoint-retry.ts). */
  triggerId: string;
  /** Fallback options come from the spec being replaced... or the new one; we use the new one. */
  spec: AppSpec;
  kind: typeof SavepointKind.Upgrade | typeof SavepointKind.Suspend | typeof SavepointKind.Final;
  /**
   * The Savepointing phase's record write rides in takeSavepoint (`recordFirst`, one Temporal action
   * fewer); the caller guards it with its own `patched()` id. Unset: a write of its own, as before.
   */
  phaseWithTrigger?: boolean;
}

/** Where the next job restores from (undefined for stateless), and the entry to record. */
export interface SecuredState {
  restorePath?: string;
  entry?: SavepointEntry;
}

/** A checkpoint of job `jobId` as Flink named it, as the record keeps it: kind checkpoint, no trigger id. */
export function checkpointEntry(
  checkpoint: Pick<CheckpointInfo, 'location' | 'completedAt'>,
  jobId: string,
): SavepointEntry {
  return {
    location: checkpoint.location,
    kind: SavepointKind.Checkpoint,
    time: new Date(checkpoint.completedAt).toISOString(),
    triggerId: null,
    jobId,
    disposed: false,
  };
}

export async function secureState(ctx: OperationContext, input: SecureStateInput): Promise<SecuredState> {
  const { app } = ctx;
  const { jobId, triggerId } = input;
  if (input.mode === 'stateless') {
    await ctx.enterPhase(Phase.Cancelling, `cancelling job ${jobId} (stateless: no state is carried over)`);
    await savepoints.cancelJob({ app, jobId });
    return {};
  }
  if (input.mode === 'last-state') {
    await ctx.enterPhase(
      Phase.ReadingCheckpoint,
      `reading the latest completed checkpoint of job ${jobId} before teardown`,
    );
    const before = await flink.latestCheckpoint({ app, jobId });
    if (!before) {
      throw ApplicationFailure.create({
        type: FailureType.NoCheckpoint,
        nonRetryable: true,
        message:
          `job ${jobId} has no completed checkpoint: a last-state upgrade would lose its state; nothing was ` +
          `torn down (wait for a checkpoint, or use upgradeMode: savepoint)`,
      });
    }
    await ctx.enterPhase(Phase.Cancelling, `cancelling job ${jobId}; restoring from its latest checkpoint`);
    await savepoints.cancelJob({ app, jobId });
    const after = (await flink.latestCheckpoint({ app, jobId })) ?? before;
    const latest = after.id >= before.id ? after : before;
    return {
      restorePath: latest.location,
      entry: checkpointEntry(latest, jobId),
    };
  }
  const details = `stopping job ${jobId} with a savepoint (trigger ${triggerId})`;
  const recordFirst = {
    workflowId: ctx.workflowId,
    changes: [{ kind: 'phase' as const, phase: Phase.Savepointing, details }],
  };
  if (input.phaseWithTrigger) ctx.progress.enter(Phase.Savepointing, details);
  else await ctx.enterPhase(Phase.Savepointing, details);
  try {
    // In the format the spec asks (an upgrade's: the new one, which will read it); unset: the running job's.
    const formatType = savepointFormatOf(input.spec.flinkConfiguration);
    // A trigger Flink failed while the job failed over is tried again with a new id, recorded first.
    const { taken, triggerId: takenWith } = await takeSavepointRetryingFailover(ctx, {
      app,
      jobId,
      triggerId,
      stop: true,
      ...(formatType ? { formatType } : {}),
      ...(input.phaseWithTrigger ? { recordFirst } : {}),
    });
    return {
      restorePath: taken.location,
      entry: {
        location: taken.location,
        kind: input.kind,
        time: new Date().toISOString(),
        triggerId: takenWith,
        jobId,
        disposed: false,
      },
    };
  } catch (err) {
    const failure = applicationFailureOf(err);
    if (failure?.type !== FailureType.SavepointFailed || !input.spec.savepointFallback.allowCheckpoint) throw err;
    await ctx.enterPhase(
      Phase.ReadingCheckpoint,
      `savepoint failed (${failure.message}); the spec allows the latest checkpoint instead`,
    );
    const checkpoint = await flink.latestCheckpoint({ app, jobId });
    const decision = checkpointFallback(checkpoint, {
      maxAgeSeconds: input.spec.savepointFallback.maxCheckpointAgeSeconds,
    });
    if (!decision.use) {
      throw ApplicationFailure.create({
        type: FailureType.SavepointFailed,
        nonRetryable: true,
        message:
          `savepoint failed (${failure.message}) and the checkpoint fallback was refused: ` +
          `${decision.reason}; the job keeps running, nothing was torn down`,
      });
    }
    await ctx.enterPhase(
      Phase.Cancelling,
      `cancelling job ${jobId}; restoring from checkpoint ${decision.checkpoint.location}`,
    );
    await savepoints.cancelJob({ app, jobId });
    return {
      restorePath: decision.checkpoint.location,
      entry: checkpointEntry(decision.checkpoint, jobId),
    };
  }
}

/**
 * `take(mode)`; when that fails and the job is stateless (the user chose no state), it is not kept running for
 * want of a savepoint it never promised (a cluster with no savepoint directory, say): `take('stateless')`
 * cancels it instead, behind `patchId`, and `notTaken` says why no savepoint was taken.
 */
export async function secureOrCancelStateless<M extends SecureStateInput['mode']>(input: {
  spec: AppSpec;
  patchId: string;
  mode: M;
  take: (mode: M | 'stateless') => Promise<SecuredState>;
}): Promise<{ secured: SecuredState; notTaken?: string }> {
  try {
    return { secured: await input.take(input.mode) };
  } catch (err) {
    const failure = applicationFailureOf(err);
    if (!(input.spec.job.upgradeMode === 'stateless' && failure && patched(input.patchId))) throw err;
    return { secured: await input.take('stateless'), notTaken: failure.message };
  }
}
