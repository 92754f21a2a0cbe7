/** cancelJob and latestCheckpoint: one action on, and one look at, a Flink job. */
import { Context } from '@temporalio/activity';
import { hasErrorCode } from '../contract/errors';
import { FlinkErrorCode } from '../flink';
import { FailureType } from '../contract/failures';
import type { ActivityDeps } from './deps';
import { classified, fail } from './failures';
import { activitySignal, pollUntil } from './poll';
import { statisticsCacheMs } from './statistics-cache';
import type { CheckpointInfo, JobRef } from './types';

const terminal = ['CANCELED', 'FINISHED', 'FAILED'];
/** Past the statistics cache's lifetime, so the read after it is made anew. */
const MARGIN_MS = 250;

export function jobActivities(deps: ActivityDeps) {
  return {
    /** Cancel the job and wait until it is CANCELED (or already ended). */
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
        const flink = await deps.flinkFor(input.app);
        const signal = activitySignal();
        const unknown = (err: unknown): never => {
          if (hasErrorCode(err, FlinkErrorCode.NotFound))
            throw fail(FailureType.NoCheckpoint, `Flink does not know job ${input.jobId}`);
          throw err;
        };
        const { state } = await flink.jobDetails(input.jobId, { signal }).catch(unknown);
        if (terminal.includes(state))
          await Context.current().sleep((await statisticsCacheMs(flink, signal)) + MARGIN_MS);
        const summary = await flink.checkpoints(input.jobId, { signal }).catch(unknown);
        const latest = summary.latestCompleted;
        if (!latest?.externalPath) return null;
        const now = deps.now?.().getTime() ?? Date.now();
        return {
          id: latest.id,
          location: latest.externalPath,
          completedAt: latest.triggerTimestamp,
          ageSeconds: Math.max(0, (now - latest.triggerTimestamp) / 1000),
        };
      });
    },
  };
}
