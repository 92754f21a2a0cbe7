/**
 * restartFromCheckpoint: started by the observer when a job reached the terminal state FAILED
 * and its spec says `onJobFailure: restart` (docs/observer.md). Under the application's lock,
 * like every operation: a new generation of the last applied spec, restored from the job's
 * latest retained checkpoint, read from Flink once the job ended (the observer's sweep may have
 * read it from Flink's cache before a newer checkpoint completed, and Flink keeps only the newest
 * ones). Refused (NothingToDo) when the record no longer names the failed
 * job: someone acted in between.
 */
import { ApplicationFailure, isCancellation, patched } from '@temporalio/workflow';
import { FailureType } from '../contract/failures';
import type { RestartFromCheckpointInput } from '../contract/observed-health';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import { flink } from './activity-profiles';
import { Patch, runOperation } from './operation';
import { rollout } from './rollout';

export async function restartFromCheckpoint(input: RestartFromCheckpointInput): Promise<OperationResult> {
  return runOperation(
    {
      app: input.app,
      operation: Operation.Restart,
      intent: { failedJobId: input.failedJobId, checkpoint: input.checkpoint, reason: input.reason },
    },
    async (ctx) => {
      const { state } = ctx;
      const spec = state.lastAppliedSpec;
      if (state.status !== 'running' || state.jobId !== input.failedJobId || !spec) {
        throw ApplicationFailure.create({
          type: FailureType.NothingToDo,
          nonRetryable: true,
          message:
            `${input.app.namespace}/${input.app.name} no longer runs the failed job ${input.failedJobId} ` +
            `(status ${state.status}, job ${state.jobId ?? 'none'}): not restarted`,
        });
      }
      const restore = {
        path: await checkpointOf(input),
        allowNonRestoredState: spec.job.allowNonRestoredState,
      };
      const generation = state.generation + 1;
      const done = await rollout(ctx, { spec, generation, restore, label: 'same spec after the job FAILED' });
      return {
        result: {
          operation: Operation.Restart,
          outcome: Outcome.Succeeded,
          jobId: done.jobId,
          restoredFrom: restore.path,
          message:
            `restarted after job ${input.failedJobId} FAILED: job ${done.jobId} is stable, restored from ` +
            `${restore.path}`,
        },
        finalChanges: [{ kind: 'stable', generation, jobId: done.jobId, spec }],
      };
    },
  );
}

/**
 * The failed job's latest checkpoint as Flink names it after the end; the observer's when Flink no longer
 * answers (the JobManager gone) or names none.
 */
async function checkpointOf(input: RestartFromCheckpointInput): Promise<string> {
  if (!patched(Patch.RestartReadsLatestCheckpoint)) return input.checkpoint;
  const latest = await flink.latestCheckpoint({ app: input.app, jobId: input.failedJobId }).catch((err: unknown) => {
    if (isCancellation(err)) throw err;
    return null;
  });
  return latest?.location ?? input.checkpoint;
}
