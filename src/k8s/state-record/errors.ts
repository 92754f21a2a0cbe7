import type { OperationRecord } from './types';

/** Stable codes of the record's errors. */
export const RecordErrorCode = {
  /** Someone else wrote the record since we read it (resourceVersion changed), or it already exists. */
  Conflict: 'RECORD_CONFLICT',
  /** The record's JSON is not a valid record. */
  Corrupt: 'RECORD_CORRUPT',
  /** The record does not exist. */
  NotFound: 'RECORD_NOT_FOUND',
  /** Another operation holds the application's lock. */
  LockHeld: 'LOCK_HELD',
  /** The caller does not hold the lock it tries to use. */
  LockNotHeld: 'LOCK_NOT_HELD',
  /** The record would not fit in its ConfigMap: refused before the write (and the side effect after it). */
  TooLarge: 'RECORD_TOO_LARGE',
} as const;
export type RecordErrorCode = (typeof RecordErrorCode)[keyof typeof RecordErrorCode];

/** Where the record lives. */
export interface RecordLocation {
  namespace: string;
  app: string;
}

abstract class RecordError extends Error {
  abstract readonly code: RecordErrorCode;
  /** Domain errors: retrying the same request gives the same answer. */
  readonly kind = 'domain';
  readonly retryable: boolean = false;
  constructor(
    readonly location: RecordLocation,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The compare-and-swap lost: re-read and decide again. */
export class RecordConflictError extends RecordError {
  override readonly name = 'RecordConflictError';
  readonly code = RecordErrorCode.Conflict;
}

/** The ConfigMap holds no valid record (hand-edited, or a newer schema). */
export class RecordCorruptError extends RecordError {
  override readonly name = 'RecordCorruptError';
  readonly code = RecordErrorCode.Corrupt;
}

/** No record exists for the application. */
export class RecordNotFoundError extends RecordError {
  override readonly name = 'RecordNotFoundError';
  readonly code = RecordErrorCode.NotFound;
}

/** Another operation holds the lock; `holder` says which. */
export class LockHeldError extends RecordError {
  override readonly name = 'LockHeldError';
  readonly code = RecordErrorCode.LockHeld;
  constructor(
    location: RecordLocation,
    readonly holder: OperationRecord,
  ) {
    super(
      location,
      `operation in progress on ${location.namespace}/${location.app}: ${holder.type} by workflow ` +
        `${holder.workflowId} (run ${holder.runId}), phase ${holder.phase}, since ${holder.startedAt}`,
    );
  }
}

/** The caller tried to change the operation of a lock it does not hold. */
export class LockNotHeldError extends RecordError {
  override readonly name = 'LockNotHeldError';
  readonly code = RecordErrorCode.LockNotHeld;
}

/** The record's JSON would exceed what a ConfigMap holds; nothing was written. */
export class RecordTooLargeError extends RecordError {
  override readonly name = 'RecordTooLargeError';
  readonly code = RecordErrorCode.TooLarge;
  constructor(
    location: RecordLocation,
    readonly bytes: number,
    readonly limitBytes: number,
  ) {
    super(
      location,
      `the deployed-state record of ${location.namespace}/${location.app} would be ${bytes} bytes, over ` +
        `the ${limitBytes}-byte limit of a ConfigMap: nothing was written`,
    );
  }
}
