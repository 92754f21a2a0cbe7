/**
 * The deadline of a wait whose bound a workflow computed before it scheduled the activity (the
 * spec's stability timeout): it counts observed time only. Time nobody looked — the worker down
 * between the schedule and the first look, or between a heartbeat and the retry that resumes from
 * it — moves the deadline by as much, so a healthy cluster or job is never failed for an outage of
 * the worker (docs/reliability-findings.md, "blue/green readiness after a long worker outage").
 *
 * Each heartbeat of such a wait carries `{ observedAt, deadline }` (`observed()`); a retry resumes
 * from them. Without them (the first attempt, or a retry whose earlier attempts never looked), the
 * time since the workflow scheduled the activity counts as unobserved. The moves are bounded: the deadline
 * never passes the input's by more than `MAX_UNOBSERVED_MS`, so attempts that keep failing before
 * they look cannot wait for ever.
 */
import { Context } from '@temporalio/activity';

/** What a wait's heartbeat carries beside its own details. */
export interface Observed {
  /** Epoch ms of this look. */
  observedAt: number;
  /** The deadline in force (the input's, moved by unobserved time). */
  deadline: number;
}

/** The most a deadline moves for time nobody observed: 1 hour past the input's. */
export const MAX_UNOBSERVED_MS = 3_600_000;

/** The heartbeat details of a previous attempt, when they carry an observation. */
export function observedBefore(details: unknown): Observed | undefined {
  const d = details as Partial<Observed> | undefined;
  if (!d || typeof d.observedAt !== 'number' || typeof d.deadline !== 'number') return undefined;
  return { observedAt: d.observedAt, deadline: d.deadline };
}

/**
 * The deadline this attempt of a wait runs to: `inputDeadline` (the workflow's) or the previous
 * attempt's, moved by the time since the last observation less `slackMs` (the ordinary gap between
 * two looks, which is observed).
 */
export function observedDeadline(inputDeadline: number, slackMs: number): number {
  const info = Context.current().info;
  const now = Date.now();
  const before = observedBefore(info.heartbeatDetails);
  const scheduled = info.scheduledTimestampMs;
  // A schedule time from the future (clock skew) or missing counts as now: nothing unobserved.
  const since = before?.observedAt ?? (scheduled > 0 && scheduled <= now ? scheduled : now);
  const moved = (before?.deadline ?? inputDeadline) + Math.max(0, now - since - slackMs);
  return Math.min(moved, inputDeadline + MAX_UNOBSERVED_MS);
}

/** The observation a heartbeat of a wait running to `deadline` carries now. */
export function observed(deadline: number): Observed {
  return { observedAt: Date.now(), deadline };
}
