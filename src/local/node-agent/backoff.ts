/**
 * Restart back-off as the kubelet does it: the first restart is immediate, then 10 s, 20 s,
 * 40 s … up to 5 min; a container that ran for 10 min starts over.
 */

/** Back-off settings. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A run at least this long resets the back-off. */
  resetAfterMs: number;
}

/** The kubelet's defaults. */
export const KUBELET_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 };

/** Back-off state of one container. */
export class Backoff {
  private currentMs = 0;

  constructor(private readonly policy: BackoffPolicy = KUBELET_BACKOFF) {}

  /** The delay before the next restart, after a run of `ranForMs`. */
  next(ranForMs: number): number {
    if (ranForMs >= this.policy.resetAfterMs) this.currentMs = 0;
    const delay = this.currentMs;
    this.currentMs = this.currentMs === 0 ? this.policy.initialMs : Math.min(this.currentMs * 2, this.policy.maxMs);
    return delay;
  }
}

/** Whether a container that ended with `exitCode` restarts under `restartPolicy`. */
export function shouldRestart(input: { restartPolicy: string | undefined; exitCode: number }): boolean {
  const policy = input.restartPolicy ?? 'Always';
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return input.exitCode !== 0;
  return false;
}

/**
 * The restart policy of an init container: it runs to completion, so the pod's `Always` acts as `OnFailure` (a
 * failed init container is restarted, a completed one never); `Never` stays (a failure fails the pod).
 */
export function initRestartPolicy(podPolicy: string | undefined): string {
  return podPolicy === 'Never' ? 'Never' : 'OnFailure';
}
