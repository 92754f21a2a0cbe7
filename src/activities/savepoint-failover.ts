/**
 * A savepoint Flink reported FAILED: did it fail because the job was failing over (a TaskManager cut off, the
 * checkpoint coordinator suspended by a restart), so that a new trigger may succeed once the job runs again, or
 * because Flink refuses it (no savepoint directory, a format not supported, storage refusing the write)? Pure:
 * takeSavepoint (savepoint.ts) asks it with what Flink says of the job, and the workflow decides
 * (src/workflows/savepoint-retry.ts). Conservative: a failover needs the job's own evidence (RESTARTING,
 * recovering, or restarted since the trigger); a cause that says refusal fails at once whatever the job does.
 */
import type { ExceptionHistoryEntryDto, JobDetailsDto } from '../flink/dto';

/** Causes that say no whatever the job does: the savepoint fails at once, with Flink's message. */
const REFUSALS: readonly RegExp[] = [
  /not supported|unsupported/i,
  /savepoint dir|target.?directory|savepoints?\.dir|savepoint-dir/i,
  /permission denied|access ?denied|forbidden|not authori[sz]ed|unauthori[sz]ed/i,
  /FileNotFound|NoSuchFile|no such file|not a directory|FileAlreadyExists|no space left|quota/i,
  /file ?system/i,
  /IllegalArgument|IllegalConfiguration|ClassNotFound|NoClassDefFound|NotSerializable/i,
];

/**
 * Causes a failover gives a pending savepoint (Flink's CheckpointFailureReason messages, the RPC to a lost
 * TaskManager): with the job still RUNNING they are worth a short look for the restart that follows.
 */
const FAILOVER_CAUSES: readonly RegExp[] = [
  /Trigger checkpoint failure/i,
  /Checkpoint Coordinator is suspending|CheckpointCoordinator shutdown/i,
  /Task has failed|Task local checkpoint failure/i,
  /FailoverRegion is restarting/i,
  /Not all required tasks are currently running|task is closing|is not being executed at the moment/i,
  /TaskManager.*(lost|disconnected|unreachable|timed out)|Connection unexpectedly closed|RecipientUnreachable/i,
];

/** States of a job that is restarting or being recovered: it runs again without anyone's help. */
const RECOVERING: ReadonlySet<string> = new Set(['RESTARTING', 'INITIALIZING', 'CREATED', 'RECONCILING']);

/** States the job enters again when it restarts (their timestamps are the last entry into each). */
const RESTART_STATES = ['RESTARTING', 'FAILING', 'INITIALIZING', 'CREATED', 'RECONCILING', 'RUNNING'] as const;

/** What Flink says of the job, and when (Flink's clock) the savepoint was triggered, if this attempt triggered it. */
export interface FailedSavepointLook {
  cause: string;
  /** The "Caused by:" lines under it (a refusal may be said only there). */
  causedBy?: readonly string[];
  job: Pick<JobDetailsDto, 'state' | 'timestamps'>;
  /** Flink's `now` read just before the trigger; unset when the trigger was sent by an earlier attempt. */
  triggeredAt?: number;
}

/**
 * `failover`: try again with a new trigger (`evidence` says why); `refused`: fail at once, as Flink said;
 * `undecided`: a failover's cause while the job still RUNNING (or FAILING): look again, briefly.
 */
export type FailedSavepointVerdict =
  { kind: 'failover'; evidence: string } | { kind: 'refused' } | { kind: 'undecided'; seen: string };

export function failedSavepointVerdict(look: FailedSavepointLook): FailedSavepointVerdict {
  const { cause, job } = look;
  const chain = [cause, ...(look.causedBy ?? [])];
  if (chain.some((c) => REFUSALS.some((r) => r.test(c)))) return { kind: 'refused' };
  if (RECOVERING.has(job.state)) return { kind: 'failover', evidence: `the job is ${job.state}` };
  const restart = restartSince(job, look.triggeredAt);
  if (restart && job.state === 'RUNNING') return { kind: 'failover', evidence: restart };
  if (job.state === 'FAILING') return { kind: 'undecided', seen: 'the job is FAILING (restarting or failing?)' };
  if (job.state === 'RUNNING' && FAILOVER_CAUSES.some((r) => r.test(cause)))
    return { kind: 'undecided', seen: 'the job is RUNNING; looking for the restart of a failover' };
  return { kind: 'refused' };
}

/** "the job restarted since the trigger (RESTARTING at …)", when a restart state was entered after `since`. */
function restartSince(job: FailedSavepointLook['job'], since: number | undefined): string | undefined {
  if (since === undefined) return undefined;
  const entered = RESTART_STATES.find((s) => (job.timestamps?.[s] ?? 0) > since);
  if (!entered) return undefined;
  const at = new Date(job.timestamps[entered] as number).toISOString();
  return `the job restarted since the trigger (${entered} at ${at})`;
}

/**
 * A task failing in the checkpoint itself (Flink 2's async state declining a canonical savepoint: "Not supported
 * yet"): the savepoint failed the job, whose restart then failed the savepoint ("Checkpoint Coordinator is
 * suspending"). Another trigger would restart the job again.
 */
const SNAPSHOT_FAILURES: readonly RegExp[] = [
  /Could not perform checkpoint/i,
  /Checkpoint was declined/i,
  /Could not complete snapshot/i,
  /Not supported yet/i,
];

/**
 * Why the job restarted, when a task failed in taking the checkpoint (the savepoint itself): the first line and
 * the root cause of such an entry of the exception history (newest first) since `since` (Flink's clock; unset:
 * the newest entry only). Undefined when no restart since then was the checkpoint's. Pure.
 */
export function restartBySnapshot(
  entries: readonly ExceptionHistoryEntryDto[],
  since: number | undefined,
): string | undefined {
  const recent = since === undefined ? entries.slice(0, 1) : entries.filter((e) => e.timestamp >= since);
  for (const entry of recent) {
    for (const trace of [entry.stacktrace, ...(entry.concurrentExceptions ?? []).map((c) => c.stacktrace)]) {
      if (!SNAPSHOT_FAILURES.some((r) => r.test(trace))) continue;
      const lines = trace.split('\n').map((l) => l.trim());
      const root = [...lines].reverse().find((l) => l.startsWith('Caused by: '));
      return root ? `${lines[0]}; ${root}` : lines[0];
    }
  }
  return undefined;
}
