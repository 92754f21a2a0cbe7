/** What `status` shows of the observer's last look at an application (the record's `observed` field). */
import type { ObservedHealth } from '../contract/observed-health';

/** The observed health as `status --output json` gives it, with the ages computed at read time. */
export interface ObservedView extends ObservedHealth {
  /** Seconds since the sweep that wrote it. */
  observedAgeSeconds: number;
  /** Age of the last completed checkpoint, seconds (as of now). */
  checkpointAgeSeconds?: number;
  /** True when the observation is for another job than the record's current one (an operation replaced it). */
  stale: boolean;
}

export function observedView(
  observed: ObservedHealth | undefined,
  jobId: string | null | undefined,
  now: number,
): ObservedView | undefined {
  if (!observed) return undefined;
  const age = (iso: string) => Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return {
    ...observed,
    observedAgeSeconds: age(observed.observedAt),
    ...(observed.lastCheckpoint ? { checkpointAgeSeconds: age(observed.lastCheckpoint.completedAt) } : {}),
    stale: observed.jobId !== jobId,
  };
}

/** The lines of `status` text output. */
export function observedLines(view: ObservedView | undefined): string[] {
  if (!view) return ['  health:      not observed yet (the observer sweeps every running application)'];
  const checkpoint = view.lastCheckpoint
    ? `last checkpoint ${view.lastCheckpoint.id} ${view.checkpointAgeSeconds}s ago`
    : 'no completed checkpoint';
  return [
    `  health:      ${view.health} since ${view.since}: ${view.message}${view.stale ? ' (of a previous job)' : ''}`,
    `               ${checkpoint}, ${view.restarts} restart(s); observed ${view.observedAgeSeconds}s ago`,
  ];
}
