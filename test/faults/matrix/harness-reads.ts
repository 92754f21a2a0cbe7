/**
 * The matrix harness's own reads and clean-up that must outlast the faults it injects (an API server restarting, a
 * CLI call refused): pure of the stack, so test/unit/faults-matrix/harness-reads.test.ts runs without one.
 */
import { KubeApiError } from '../../../src/k8s';
import type { CliResult } from '../../support/e2e';
import { eventually } from '../../support/eventually';
import type { RunContext } from './operations';

const ns = (run: RunContext) => ['-n', run.env.namespace];

/**
 * A read of the harness's own that outlasts a transient API server outage: transport errors (refused,
 * reset, 5xx, 429, timeouts: the API server restarting under `apiserver-restart`) are retried for up to
 * `timeoutMs`; any other error (not found, forbidden, a corrupt record) is the answer and throws at once.
 */
export async function despiteApiServerAway<T>(
  what: string,
  read: () => Promise<T>,
  { timeoutMs = 60_000, intervalMs = 1000 } = {},
): Promise<T> {
  // `eventually` retries whatever the probe throws: only transport errors are thrown to it, the rest returned.
  const answer = await eventually<{ value: T } | { error: unknown }>(
    what,
    async () => {
      try {
        return { value: await read() };
      } catch (err) {
        if (err instanceof KubeApiError && err.retryable) throw err;
        return { error: err };
      }
    },
    { timeoutMs, intervalMs },
  );
  if ('error' in answer) throw answer.error;
  return answer.value;
}

/**
 * Deletes the application's savepoint schedule, retried (`attempts` in all, `pauseMs` apart): a schedule
 * left behind goes on taking savepoints of a removed application, into the next cells. On a retry, "no
 * savepoint schedule" is success: an earlier attempt may have deleted it before failing.
 */
export async function deleteSchedule(run: RunContext, attempts = 5, pauseMs = 3000): Promise<void> {
  let last: CliResult | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, pauseMs));
    last = await run.env.cli(['schedule', 'delete', run.app, ...ns(run)]);
    if (last.code === 0) return;
    if (attempt > 1 && /no savepoint schedule for/.test(last.stdout + last.stderr)) return;
  }
  throw new Error(
    `schedule delete exited ${last?.code} ${attempts} times: ${(last?.stdout ?? '') + (last?.stderr ?? '')}`,
  );
}
