/**
 * The observer's decisions, pure (unit-tested without a cluster): the health of one application
 * from what a sweep read, and what to do about a FAILED job. src/activities/observe.ts reads and
 * writes; this file only decides (docs/observer.md).
 */
import { Health, type ObservedHealth } from '../contract/observed-health';
import type { PastOperationRecord } from '../k8s/state-record/types';
import { parseFlinkDurationMs } from '../spec/durations';
import { OnJobFailureAction, type AppSpec } from '../spec/types';
import { Operation } from '../contract/operations';

/** What one sweep read of one application. */
export interface Observation {
  /** False when the JobManager's REST API did not answer (the error says why). */
  reachable: boolean;
  error?: string;
  /** Flink's job state; undefined when unreachable, `NOT_FOUND` when the JobManager does not know the job. */
  jobState?: string;
  /** Epoch ms the job started (Flink's `start-time`). */
  startedAt?: number;
  /** Restarts since the generation started (exception history length). */
  restarts: number;
  lastCheckpoint?: { id: number; location: string; completedAt: number };
}

/** Checkpoints count as stalled after this many intervals without one completing. */
export const STALLED_INTERVALS = 3;
/** ...and never sooner than this: a checkpoint of a large state may take longer than a short interval. */
export const MIN_STALLED_MS = 30_000;

/** How long without a completed checkpoint counts as stalled; undefined when checkpointing is off. */
export function stalledAfterMs(spec: AppSpec | null | undefined): number | undefined {
  const text = spec?.flinkConfiguration['execution.checkpointing.interval'];
  const interval = text === undefined ? undefined : parseFlinkDurationMs(text);
  return interval === undefined ? undefined : Math.max(STALLED_INTERVALS * interval, MIN_STALLED_MS);
}

/** The health of an application from one observation (`previous`: the record's `observed`, same job only). */
export function judgeHealth(input: {
  observation: Observation;
  previous: ObservedHealth | undefined;
  jobId: string;
  spec: AppSpec | null | undefined;
  now: number;
}): { health: Health; message: string } {
  const { observation: o, jobId, now } = input;
  const previous = input.previous?.jobId === jobId ? input.previous : undefined;
  if (!o.reachable)
    return { health: Health.JobManagerUnreachable, message: `JobManager does not answer: ${o.error ?? 'no answer'}` };
  if (o.jobState === 'FAILED') return { health: Health.Failed, message: `job ${jobId} FAILED (terminal)` };
  if (o.jobState === 'NOT_FOUND')
    return { health: Health.Restarting, message: `the JobManager does not know job ${jobId} (it restarted?)` };
  if (o.jobState !== 'RUNNING')
    return { health: Health.Restarting, message: `job ${jobId} is ${o.jobState ?? 'in an unknown state'}` };
  if (previous && o.restarts > previous.restarts)
    return {
      health: Health.Restarting,
      message:
        `job ${jobId} restarted ${o.restarts - previous.restarts} time(s) since the last sweep ` +
        `(${o.restarts} in all)`,
    };
  const stalledAfter = stalledAfterMs(input.spec);
  const since = o.lastCheckpoint?.completedAt ?? o.startedAt;
  if (stalledAfter !== undefined && since !== undefined && now - since > stalledAfter) {
    const age = Math.round((now - since) / 1000);
    return {
      health: Health.CheckpointsStalled,
      message: o.lastCheckpoint
        ? `no checkpoint completed for ${age}s (last: ${o.lastCheckpoint.id}); stalled after ${stalledAfter / 1000}s`
        : `no checkpoint completed in the ${age}s since the job started; stalled after ${stalledAfter / 1000}s`,
    };
  }
  return { health: Health.Healthy, message: `job ${jobId} RUNNING, ${o.restarts} restart(s)` };
}

/** What the observer does about an application this sweep. */
export type FailureDecision =
  | { kind: 'none' }
  /** Tell people only (the Event was told on the change); `why` when a restart was wanted but refused. */
  | { kind: 'alert'; why?: string }
  | { kind: 'restart'; checkpoint: string };

/** Restarts the observer started for the application within the last hour (from the record's history). */
export function restartsInLastHour(history: readonly PastOperationRecord[], now: number): number {
  return history.filter((h) => h.type === Operation.Restart && now - Date.parse(h.startedAt) < 3_600_000).length;
}

/**
 * A FAILED job: alert when it newly failed (health changed to failed, or a new job failed); with
 * `onJobFailure: restart`, a restart from the latest retained checkpoint unless the hourly limit
 * is reached or no checkpoint is known. The restart is decided on every sweep that still finds
 * the job FAILED, not only the first: the sweep records `failed` before the observer starts the
 * restart, so a restart lost in between (the observer's activity timed out or its worker died
 * after the write) is started by the next sweep instead of never. A restart once started holds
 * the lock, and sweeps skip a locked application; the hourly limit bounds restarts that fail.
 * A refusal (limit, no checkpoint) is said once, when the job newly failed.
 */
export function decideOnFailure(input: {
  health: Health;
  newlyFailed: boolean;
  spec: AppSpec | null | undefined;
  checkpoint: string | undefined;
  history: readonly PastOperationRecord[];
  now: number;
}): FailureDecision {
  if (input.health !== Health.Failed) return { kind: 'none' };
  const said = (decision: FailureDecision): FailureDecision => (input.newlyFailed ? decision : { kind: 'none' });
  const policy = input.spec?.onJobFailure;
  if (policy?.action !== OnJobFailureAction.Restart) return said({ kind: 'alert' });
  const recent = restartsInLastHour(input.history, input.now);
  if (recent >= policy.maxRestartsPerHour)
    return said({
      kind: 'alert',
      why:
        `not restarted: ${recent} restart(s) in the last hour reach ` +
        `spec.flinkDeploy.maxFailureRestartsPerHour (${policy.maxRestartsPerHour})`,
    });
  if (!input.checkpoint) return said({ kind: 'alert', why: 'not restarted: the job has no retained checkpoint' });
  return { kind: 'restart', checkpoint: input.checkpoint };
}

/** The `observed` field to write, keeping `since` while the health stays the same for the same job. */
export function nextObserved(input: {
  previous: ObservedHealth | undefined;
  jobId: string;
  judged: { health: Health; message: string };
  observation: Observation;
  now: number;
}): ObservedHealth {
  const { previous, jobId, judged, observation: o } = input;
  const at = new Date(input.now).toISOString();
  const same = previous?.jobId === jobId && previous.health === judged.health;
  const checkpoint = o.lastCheckpoint;
  const kept = previous?.jobId === jobId ? previous.lastCheckpoint : undefined;
  return {
    health: judged.health,
    since: same ? previous.since : at,
    observedAt: at,
    jobId,
    ...(o.jobState !== undefined ? { jobState: o.jobState } : {}),
    restarts: o.reachable ? o.restarts : previous?.jobId === jobId ? previous.restarts : 0,
    ...(checkpoint
      ? {
          lastCheckpoint: {
            id: checkpoint.id,
            location: checkpoint.location,
            completedAt: new Date(checkpoint.completedAt).toISOString(),
          },
        }
      : kept
        ? { lastCheckpoint: kept }
        : {}),
    message: judged.message,
  };
}
