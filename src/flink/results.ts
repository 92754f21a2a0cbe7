/**
 * The small result types the client's methods return (Apache operator style): a savepoint is
 * pending, completed at a location, or failed with a cause; never a boolean.
 */
import type { CheckpointingStatisticsDto, SerializedThrowableDto } from './dto';

/** An accepted async trigger: poll its status with the same id. */
export interface Trigger {
  triggerId: string;
}

/**
 * Status of a savepoint or stop-with-savepoint. A failure's `causedBy`: the "Caused by:" lines of Flink's stack
 * trace, outermost first (a "Trigger checkpoint failure" says why only there).
 */
export type SavepointResult =
  | { kind: 'pending' }
  | { kind: 'completed'; location: string }
  | { kind: 'failed'; cause: string; causedBy?: string[] };

/** Status of a manual checkpoint. */
export type CheckpointResult =
  { kind: 'pending' } | { kind: 'completed'; checkpointId: number } | { kind: 'failed'; cause: string };

/**
 * A savepoint disposal's status. `not-found`: Flink finds nothing at the path (no file, no
 * directory, no object under the prefix), so there is nothing left to delete: e.g. a disposal
 * that succeeded before, whose answer was lost.
 */
export type DisposalResult =
  | { kind: 'pending' }
  | { kind: 'completed' }
  | { kind: 'not-found'; cause: string }
  | { kind: 'failed'; cause: string };

/** A completed checkpoint or savepoint. */
export interface CompletedCheckpoint {
  id: number;
  isSavepoint: boolean;
  /** Where it lives; absent for checkpoints that are not externalised. */
  externalPath: string | undefined;
  triggerTimestamp: number;
}

/** The checkpoint or savepoint the running job was restored from. */
export interface RestoredCheckpoint {
  id: number;
  isSavepoint: boolean;
  externalPath: string | undefined;
  restoreTimestamp: number;
}

/** What `GET /jobs/:jobid/checkpoints` says, in our terms. */
export interface CheckpointSummary {
  counts: { completed: number; failed: number; inProgress: number; restored: number; total: number };
  latestCompleted: CompletedCheckpoint | undefined;
  latestSavepoint: CompletedCheckpoint | undefined;
  latestRestored: RestoredCheckpoint | undefined;
  latestFailure: { id: number; message: string | undefined; timestamp: number | undefined } | undefined;
}

/** True when an async operation failed because the job does not exist (any more). */
export function isJobNotFoundCause(cause: SerializedThrowableDto): boolean {
  return /FlinkJobNotFoundException/.test(`${cause.class ?? ''}\n${cause['stack-trace'] ?? ''}`);
}

/**
 * True when a disposal failed because nothing is at the savepoint path: Flink's
 * `AbstractFsCheckpointStorageAccess.resolveCheckpointPointer` found neither a file nor a
 * directory there (wrapped in "Could not dispose savepoint"). A directory without `_metadata`
 * (a disposal cut short, leftovers still there) is not this: it stays a failure.
 */
export function isSavepointNotFoundCause(cause: SerializedThrowableDto): boolean {
  return /FileNotFoundException: Cannot find checkpoint or savepoint file\/directory/.test(
    `${cause.class ?? ''}\n${cause['stack-trace'] ?? ''}`,
  );
}

/** A readable cause from a `failure-cause`: class and first line of the stack trace. */
export function describeFailureCause(cause: SerializedThrowableDto): string {
  const firstLine = cause['stack-trace']?.split('\n')[0]?.trim();
  // CompletionException wraps the interesting exception; drop the wrapper's name.
  return (firstLine?.replace(/^java\.util\.concurrent\.CompletionException: /, '') || cause.class) ?? 'unknown failure';
}

/** The "Caused by:" lines of a `failure-cause`'s stack trace, outermost first, without the prefix. */
export function causedByOf(cause: SerializedThrowableDto): string[] {
  return (cause['stack-trace'] ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('Caused by: '))
    .map((line) => line.slice('Caused by: '.length));
}

/** Maps the checkpoint statistics DTO to {@link CheckpointSummary}. */
export function summarizeCheckpoints(dto: CheckpointingStatisticsDto): CheckpointSummary {
  const completed = (c: CheckpointingStatisticsDto['latest']['completed']): CompletedCheckpoint | undefined =>
    c
      ? { id: c.id, isSavepoint: c.is_savepoint, externalPath: c.external_path, triggerTimestamp: c.trigger_timestamp }
      : undefined;
  const { restored, failed } = dto.latest;
  return {
    counts: {
      completed: dto.counts.completed,
      failed: dto.counts.failed,
      inProgress: dto.counts.in_progress,
      restored: dto.counts.restored,
      total: dto.counts.total,
    },
    latestCompleted: completed(dto.latest.completed),
    latestSavepoint: completed(dto.latest.savepoint),
    latestRestored: restored
      ? {
          id: restored.id,
          isSavepoint: restored.is_savepoint,
          externalPath: restored.external_path,
          restoreTimestamp: restored.restore_timestamp,
        }
      : undefined,
    latestFailure: failed
      ? { id: failed.id, message: failed.failure_message, timestamp: failed.failure_timestamp }
      : undefined,
  };
}
