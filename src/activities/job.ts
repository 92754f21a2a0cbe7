/** cancelJob, latestCheckpoint and stateLeft: one action on, and the looks at, a Flink job. */
import { Context } from '@temporalio/activity';
import { hasErrorCode } from '../contract/errors';
import { FlinkErrorCode, type CheckpointSummary, type FlinkRestClient } from '../flink';
import { FailureType } from '../contract/failures';
import type { ActivityDeps } from './deps';
import { classified, fail } from './failures';
import { activitySignal, pollUntil } from './poll';
import { statisticsCacheMs } from './statistics-cache';
import type { CheckpointInfo, JobRef, StateLeft } from './types';

const terminal = ['CANCELED', 'FINISHED', 'FAILED'];
/** Past the statistics cache's lifetime, so the read after it is made anew. */
const MARGIN_MS = 250;
/** How long a checkpoint taken for want of a completed one may take (inside the activity's minute). */
const CHECKPOINT_NOW_MS = 40_000;

/**
 * Takes a checkpoint of a RUNNING job, bounded: once its tasks all run, a trigger, then its status; a trigger that
 * fails (a task not running yet) is tried again until the bound. True when one completed; false (a job without
 * checkpointing among them) leaves the caller with no completed checkpoint, as before. Checkpoints are Flink's,
 * subsumed as usual: a retried activity's extra one leaves nothing behind.
 */
async function checkpointNow(
  flink: FlinkRestClient,
  jobId: string,
  intervalMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const ctx = Context.current();
  const deadline = Date.now() + CHECKPOINT_NOW_MS;
  let seen = 'not tried';
  try {
    while (Date.now() < deadline) {
      const job = await flink.jobDetails(jobId, { signal });
      if (job.state !== 'RUNNING') {
        seen = `the job is ${job.state}`;
        break;
      }
      if (job.vertices.every((v) => v.status === 'RUNNING')) {
        const { triggerId } = await flink.triggerCheckpoint({ jobId }, { signal });
        const result = await pollUntil({
          intervalMs,
          deadline,
          onDeadline: (last) => new Error(last),
          check: async () => {
            const status = await flink.checkpointStatus(jobId, triggerId, { signal });
            return status.kind === 'pending'
              ? { done: false, seen: `checkpoint ${triggerId} of job ${jobId} in progress` }
              : { done: true, value: status };
          },
        });
        if (result.kind === 'completed') return true;
        seen = `checkpoint ${triggerId} failed: ${result.cause}`;
      } else seen = 'its tasks are not all running yet';
      ctx.heartbeat(seen);
      await ctx.sleep(intervalMs);
    }
  } catch (err) {
    seen = String(err);
  }
  ctx.log.warn(`job ${jobId}: no checkpoint taken for want of one: ${seen}`);
  return false;
}

/**
 * The newest externalised checkpoint Flink knows of the job: the latest completed one, or the checkpoint it was
 * restored from when that is newer. A JobManager that took over (HA) restores the job from the newest checkpoint
 * and counts none completed until the next one: cancelled before then, the checkpoint it restored is the job's
 * state, and an older one read before the takeover may be deleted already (subsumed). A restored savepoint is not
 * taken for a checkpoint (it is recorded as what it is). Flink does not say when a restored checkpoint completed:
 * its restore time stands for it (the state is a little older).
 */
function newestState(summary: CheckpointSummary): Omit<CheckpointInfo, 'ageSeconds'> | undefined {
  const completed = summary.latestCompleted;
  const restored = summary.latestRestored;
  if (restored?.externalPath && !restored.isSavepoint && restored.id > (completed?.id ?? -1))
    return { id: restored.id, location: restored.externalPath, completedAt: restored.restoreTimestamp };
  if (!completed?.externalPath) return undefined;
  return { id: completed.id, location: completed.externalPath, completedAt: completed.triggerTimestamp };
}

export function jobActivities(deps: ActivityDeps) {
  /**
   * The job's checkpoint statistics. Of a job that ended, read once Flink's cached statistics were made after its
   * end. None completed, as Flink knows: a JobManager that took over (HA) knows only the checkpoint it restored the
   * job from until the next one completes; a job just started has none yet. Of a RUNNING job, one is taken now
   * (bounded), so the latest checkpoint is a fresh one Flink knows (none taken: none, as before).
   */
  async function checkpointsOf(input: JobRef): Promise<CheckpointSummary> {
    const flink = await deps.flinkFor(input.app);
    const signal = activitySignal();
    const unknown = (err: unknown): never => {
      if (hasErrorCode(err, FlinkErrorCode.NotFound))
        throw fail(FailureType.NoCheckpoint, `Flink does not know job ${input.jobId}`);
      throw err;
    };
    const { state } = await flink.jobDetails(input.jobId, { signal }).catch(unknown);
    if (terminal.includes(state)) await Context.current().sleep((await statisticsCacheMs(flink, signal)) + MARGIN_MS);
    const summary = await flink.checkpoints(input.jobId, { signal }).catch(unknown);
    if (summary.latestCompleted || state !== 'RUNNING') return summary;
    if (!(await checkpointNow(flink, input.jobId, deps.config.pollIntervalMs, signal))) return summary;
    return flink.checkpoints(input.jobId, { signal }).catch(unknown);
  }

  const withAge = (latest: Omit<CheckpointInfo, 'ageSeconds'>): CheckpointInfo => {
    const now = deps.now?.().getTime() ?? Date.now();
    return { ...latest, ageSeconds: Math.max(0, (now - latest.completedAt) / 1000) };
  };

  return {
    /**
     * Cancel the job and wait until it is CANCELED (or already ended). A job Flink answers 404 for has ended:
     * a JobManager that took over (HA) recovers the job graphs before its Dispatcher leads, and its REST answers
     * 503 (leader election), not 404, until then (Flink's SessionDispatcherLeaderProcess, Dispatcher.onStart).
     */
    async cancelJob(input: JobRef): Promise<void> {
      await classified(`cancelling job ${input.jobId}`, async () => {
        const flink = await deps.flinkFor(input.app);
        const signal = activitySignal();
        await pollUntil({
          intervalMs: deps.config.pollIntervalMs,
          onDeadline: (seen) => new Error(seen),
          check: async () => {
            const state = await flink.jobDetails(input.jobId, { signal }).then(
              (d) => d.state as string,
              (err: unknown) => {
                if (hasErrorCode(err, FlinkErrorCode.NotFound)) return 'not-found';
                throw err;
              },
            );
            if (state === 'not-found' || terminal.includes(state)) return { done: true, value: undefined };
            if (state !== 'CANCELLING') await flink.cancelJob(input.jobId, { signal });
            return { done: false, seen: `job ${input.jobId} is ${state}, cancelling` };
          },
        });
      });
    },

    /**
     * The latest completed, externalised checkpoint of the job (null when none). Of a job that ended, read once
     * Flink's cached statistics were made after its end (statistics-cache.ts): a checkpoint completed just before
     * a cancel is the one Flink retains, and the older one a cached answer names may be deleted already.
     */
    async latestCheckpoint(input: JobRef): Promise<CheckpointInfo | null> {
      return classified(`reading the checkpoints of job ${input.jobId}`, async () => {
        const summary = await checkpointsOf(input);
        const latest = newestState(summary);
        return latest ? withAge(latest) : null;
      });
    },

    /**
     * What an ended job left (StateLeft): its newest checkpoint and its latest savepoint, read as latestCheckpoint
     * reads them. A stop-with-savepoint whose trigger Flink no longer remembers (`rest.async.store-duration`, a
     * JobManager that took over) is still named here, as the FINISHED job's latest savepoint.
     */
    async stateLeft(input: JobRef): Promise<StateLeft> {
      return classified(`reading the state job ${input.jobId} left`, async () => {
        const summary = await checkpointsOf(input);
        const checkpoint = newestState(summary);
        const savepoint = summary.latestSavepoint;
        return {
          checkpoint: checkpoint ? withAge(checkpoint) : null,
          savepoint: savepoint?.externalPath
            ? { id: savepoint.id, location: savepoint.externalPath, completedAt: savepoint.triggerTimestamp }
            : null,
        };
      });
    },
  };
}
