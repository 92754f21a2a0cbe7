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
/**
 * The looks end by this much time all the same: a JobManager that does not answer at all (stopped, or its
 * address a black hole) takes each look its 10 s read timeout, and ten of them would outlast the minute the
 * activity is given (flinkLook): each attempt timed out, the workflow got a timeout, not UNREACHABLE.
 */
const LOOK_BUDGET_MS = 40_000;

export function jobStateActivities(deps: ActivityDeps) {
  return {
    async jobState(input: JobRef): Promise<JobStateAnswer> {
      let last = '';
      const started = Date.now();
      let looks = 0;
      while (looks < LOOKS) {
        looks += 1;
        try {
          const flink = await deps.flinkFor(input.app);
          const details = await flink.jobDetails(input.jobId, { signal: activitySignal() });
          return { state: details.state as string };
        } catch (err) {
          if (hasErrorCode(err, FlinkErrorCode.NotFound)) return { state: 'NOT_FOUND' };
          if (!isRetryable(err) && !hasErrorCode(err, FlinkErrorCode.NoEndpoint)) throw err;
          last = `${errorCode(err) ?? 'error'}: ${(err as Error).message}`;
          Context.current().heartbeat(last);
          const pause = Math.max(deps.config.pollIntervalMs, MIN_LOOK_INTERVAL_MS);
          if (looks === LOOKS || Date.now() - started + pause >= LOOK_BUDGET_MS) break;
          await Context.current().sleep(pause);
        }
      }
      const over = Math.round((Date.now() - started) / 1000);
      return { state: 'UNREACHABLE', reason: `${last} (${looks} looks over ${over} s)` };
    },
  };
}
