/**
 * The loop inside long-waiting activities: check, heartbeat with what we see, sleep (honouring
 * cancellation), until the check says done or the deadline passes. Temporal retries the whole
 * activity on errors; this loop never retries errors itself.
 */
import { Context } from '@temporalio/activity';

export interface PollOptions<T> {
  intervalMs: number;
  /** Epoch ms; `undefined` = until the activity's own timeout. */
  deadline?: number;
  /** One look: `{ done: true, value }` ends the wait; `{ done: false, seen }` goes on. */
  check: () => Promise<{ done: true; value: T } | { done: false; seen: string }>;
  /** The error to throw at the deadline, given the last thing seen. */
  onDeadline: (lastSeen: string) => Error;
  /** The heartbeat details for what was seen (default: the words); a retry reads them back. */
  heartbeatDetails?: (seen: string) => unknown;
}

export async function pollUntil<T>(options: PollOptions<T>): Promise<T> {
  const ctx = Context.current();
  for (;;) {
    const result = await options.check();
    if (result.done) return result.value;
    ctx.heartbeat(options.heartbeatDetails ? options.heartbeatDetails(result.seen) : result.seen);
    const left = options.deadline === undefined ? Infinity : options.deadline - Date.now();
    if (left <= 0) throw options.onDeadline(result.seen);
    // Never past the deadline: the last look is at it.
    await ctx.sleep(Math.min(options.intervalMs, left));
  }
}

/** The AbortSignal of the current activity: Flink calls pass it so cancellation stops them. */
export function activitySignal(): AbortSignal {
  return Context.current().cancellationSignal;
}
