/** cancelJob and latestCheckpoint: one action on, and one look at, a Flink job. */
import { hasErrorCode } from '../contract/errors';
import { FlinkErrorCode } from '../flink';
import { FailureType } from '../contract/failures';
import type { ActivityDeps } from './deps';
import { classified, fail } from './failures';
import { activitySignal, pollUntil } from './poll';
import type { CheckpointInfo, JobRef } from './types';

const terminal = ['CANCELED', 'FINISHED', 'FAILED'];

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

    /** The latest completed, externalised checkpoint of the job (null when none). */
    async latestCheckpoint(input: JobRef): Promise<CheckpointInfo | null> {
      return classified(`reading the checkpoints of job ${input.jobId}`, async () => {
        const flink = await deps.flinkFor(input.app);
        const summary = await flink.checkpoints(input.jobId, { signal: activitySignal() }).catch((err: unknown) => {
          if (hasErrorCode(err, FlinkErrorCode.NotFound))
            throw fail(FailureType.NoCheckpoint, `Flink does not know job ${input.jobId}`);
          throw err;
        });
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
