/**
 * The heartbeat of the activity parts whose calls do not beat themselves: an apply or a delete is a dozen
 * Kubernetes calls, each bounded by its 30 s request timeout (KUBE_REQUEST_TIMEOUT_MS), and the heartbeat
 * timeout is 20 s. Without a beat between them, an API server that answers slowly (admission webhooks of a
 * few seconds each) timed every attempt out: the operation never left its phase, retried for ever. While
 * `work` runs, this beats every KEEP_ALIVE_MS with `doing` (what the Web UI shows as the heartbeat's
 * details). A dead worker still stops beating, so a crash is noticed as before; each call stays bounded by
 * its own timeout and the activity by its start-to-close timeout. Use it only where no resume point travels
 * in the heartbeat (a wait's `observed`, pods-gone's `waitingSince`): its words would replace it. A retry reads
 * the previous attempt's details once, at its start, so a beat here changes what the next attempt resumes from
 * only when this one dies before its own resume point's beat: startGeneration then starts the generation over
 * (before any job was submitted to it: submitToGeneration comes after), pods-gone starts its bound again.
 * updateRecord beats too: it is the first step (recordFirst) of heartbeating activities.
 */
import { Context } from '@temporalio/activity';
import { classified } from './failures';

export const KEEP_ALIVE_MS = 5_000;

/** The running activity's context; none when the activity's function is called directly (a test). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export async function keepingAlive<T>(doing: string, work: () => Promise<T>, everyMs = KEEP_ALIVE_MS): Promise<T> {
  const ctx = activityContext();
  if (!ctx) return work();
  const timer = setInterval(() => ctx.heartbeat(doing), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** `work` kept alive and its failure classified (failures.ts) under the one `doing`: the usual activity's shape. */
export function classifiedKeepingAlive<T>(doing: string, work: () => Promise<T>): Promise<T> {
  return classified(doing, () => keepingAlive(doing, work));
}
