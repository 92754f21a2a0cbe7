/**
 * jobState: what Flink says of a job now, never what the record says. The workflows ask it before
 * deciding a job is gone (a `failed` record can hide a job that runs: secure it first) and before
 * finishing an operation that never finished. An unreachable JobManager is an answer too
 * (`UNREACHABLE`, after a few looks), so the caller decides instead of waiting on it.
 */
import { Context } from '@temporalio/activity';
import { errorCode, hasErrorCode, isRetryable } from '../contract/errors';
import { FlinkErrorCode } from '../flink';
import type { ActivityDeps } from './deps';
import { activitySignal } from './poll';
import type { JobRef, JobStateAnswer } from './types';

/**
 * How many looks, at least {@link MIN_LOOK_INTERVAL_MS} apart, before a JobManager that does not
 * answer is called unreachable: about 20 s, so a slow or restarting JobManager is not taken for a
 * dead one (the local stack showed a running job unreachable for a second).
 */
const LOOKS = 10;
const MIN_LOOK_INTERVAL_MS = 2_000;

export function jobStateActivities(deps: ActivityDeps) {
  return {
    async jobState(input: JobRef): Promise<JobStateAnswer> {
      let last = '';
      for (let look = 1; look <= LOOKS; look++) {
        try {
          const flink = await deps.flinkFor(input.app);
          const details = await flink.jobDetails(input.jobId, { signal: activitySignal() });
          return { state: details.state as string };
        } catch (err) {
          if (hasErrorCode(err, FlinkErrorCode.NotFound)) return { state: 'NOT_FOUND' };
          if (!isRetryable(err) && !hasErrorCode(err, FlinkErrorCode.NoEndpoint)) throw err;
          last = `${errorCode(err) ?? 'error'}: ${(err as Error).message}`;
          Context.current().heartbeat(last);
          if (look < LOOKS) await Context.current().sleep(Math.max(deps.config.pollIntervalMs, MIN_LOOK_INTERVAL_MS));
        }
      }
      return { state: 'UNREACHABLE', reason: last };
    },
  };
}
