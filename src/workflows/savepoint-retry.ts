/**
 * takeSavepoint, tried again with a NEW trigger id when Flink failed the trigger while the job was failing over
 * (the activity says so: a SavepointFailed with the failover detail, src/activities/savepoint-failover.ts), at most
 * `savepoint.failoverAttempts` triggers in all (the worker's setting, carried in that detail). Flink keeps a failed
 * trigger failed, so the same id would only fail again; the new id is generated here (deterministic) and written to
 * the lock's intent (`savepoint-retry`) BEFORE it is sent, as the first one was with the lock: every takeSavepoint
 * carries a recorded trigger id, and a crash re-sends the recorded one. Any other failure ends it as before; the
 * last one names every trigger tried. Used by every savepoint: secureState (upgrade, suspend, delete, rollback,
 * blue-green, session jobs) and savepointBody (manual, periodic). Behind patch `savepoint-retry-after-failover`.
 */
import { ApplicationFailure, isCancellation, patched, uuid4 } from '@temporalio/workflow';
import type { SavepointTaken, TakeSavepointInput } from '../activities/types';
import { FailureType, savepointFailoverDetail, type SavepointFailoverDetail } from '../contract/failures';
import { hexId } from '../contract/ids';
import { savepoints } from './activity-profiles';
import { applicationFailureOf, Patch, type OperationContext } from './operation';

export interface TakenWithTrigger {
  taken: SavepointTaken;
  /** The trigger id the savepoint was taken with (the recorded one: the first, or a later one). */
  triggerId: string;
}

/**
 * `first` (its trigger id recorded with the lock), then, while Flink fails triggers in a failover, new ones.
 * `tried` gets every trigger id sent, in order (for the caller's own failure message).
 */
export async function takeSavepointRetryingFailover(
  ctx: OperationContext,
  first: TakeSavepointInput,
  tried: string[] = [],
): Promise<TakenWithTrigger> {
  const failed: { triggerId: string; detail: SavepointFailoverDetail }[] = [];
  let input = first;
  for (;;) {
    tried.push(input.triggerId);
    try {
      return { taken: await savepoints.takeSavepoint(input), triggerId: input.triggerId };
    } catch (err) {
      const failure = applicationFailureOf(err);
      const detail = savepointFailoverDetail(failure?.details);
      if (isCancellation(err) || !failure) throw err;
      if (!detail) throw failed.length ? after(failure, failed) : err;
      failed.push({ triggerId: input.triggerId, detail });
      // Runs started before this retry existed replay without it (their histories have no marker).
      if (failed.length >= detail.attempts || !patched(Patch.SavepointRetryAfterFailover))
        throw failed.length > 1 ? everyFailed(input, failed) : err;
      const triggerId = hexId(uuid4());
      const reason =
        `savepoint trigger ${input.triggerId} failed while the job was failing over (${detail.cause}; ` +
        `${detail.evidence}); trying again as trigger ${triggerId}`;
      ctx.progress.say(reason);
      await ctx.recordChanges({ kind: 'savepoint-retry', triggerId, failedTriggerId: input.triggerId, reason });
      // The phase is in the record already (recordFirst rode with the first trigger).
      const { recordFirst: _phaseWritten, ...next } = input;
      input = { ...next, triggerId };
    }
  }
}

function listed(failed: { triggerId: string; detail: SavepointFailoverDetail }[]): string {
  return failed.map((f) => `trigger ${f.triggerId}: ${f.detail.cause} (${f.detail.evidence})`).join('; ');
}

/** Every trigger failed in a failover, up to the bound: no savepoint; each trigger named with its cause. */
function everyFailed(
  input: TakeSavepointInput,
  failed: { triggerId: string; detail: SavepointFailoverDetail }[],
): ApplicationFailure {
  const what = `${input.stop ? 'stop-with-savepoint' : 'savepoint'} of job ${input.jobId}`;
  return ApplicationFailure.create({
    type: FailureType.SavepointFailed,
    nonRetryable: true,
    message:
      `${what} (${input.app.namespace}/${input.app.name}): no savepoint was taken; all ${failed.length} triggers ` +
      `(savepoint.failoverAttempts) failed while the job was failing over: ${listed(failed)}`,
  });
}

/** A later trigger failed otherwise: its failure, naming the triggers tried before it. */
function after(
  failure: ApplicationFailure,
  failed: { triggerId: string; detail: SavepointFailoverDetail }[],
): ApplicationFailure {
  return ApplicationFailure.create({
    type: failure.type ?? FailureType.SavepointFailed,
    nonRetryable: failure.nonRetryable ?? true,
    message:
      `${failure.message} (after ${failed.length} earlier trigger(s) failed while the job was failing over: ` +
      `${listed(failed)})`,
  });
}
