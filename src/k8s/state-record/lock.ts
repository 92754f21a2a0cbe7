/**
 * The per-application lock as pure transitions of the record. The store applies them under
 * compare-and-swap (`DeployStateStore.acquireLock` and friends).
 */
import { LockHeldError, LockNotHeldError, type RecordLocation } from './errors';
import { MAX_HISTORY, type DeployStateRecord, type JsonValue, type OperationRecord } from './types';

/** Input of `acquireLock`. */
export interface AcquireLockInput {
  namespace: string;
  app: string;
  workflowId: string;
  runId: string;
  /** The operation type: deploy, upgrade, suspend, resume, rollback, savepoint... */
  operation: string;
  /** @default 'started' */
  phase?: string;
  intent?: { [key: string]: JsonValue };
}

/** Input of `releaseLock`. */
export interface ReleaseLockInput {
  namespace: string;
  app: string;
  workflowId: string;
  /** How the operation ended, kept in the history. @default 'released' */
  outcome?: string;
  message?: string;
}

/** Input of `withPhase` (the activities' `phase` record change). */
export interface SetPhaseInput {
  namespace: string;
  app: string;
  workflowId: string;
  phase: string;
  /** Replaces the recorded intent when set. */
  intent?: { [key: string]: JsonValue };
}

/** Whether the lock was taken now or was already ours (re-acquire after a crash). */
export type LockAcquisition = 'acquired' | 'reacquired';

function where(r: { namespace: string; app: string }): RecordLocation {
  return { namespace: r.namespace, app: r.app };
}

/**
 * Take the lock: succeeds when no operation holds it or the same workflow id does (a retried
 * or restarted run takes it over: runId and type are updated, phase and intent kept unless
 * given). Throws {@link LockHeldError} naming the holder otherwise.
 */
export function withLockAcquired<T>(
  record: DeployStateRecord<T>,
  input: AcquireLockInput,
  now: Date,
): { record: DeployStateRecord<T>; acquisition: LockAcquisition } {
  const held = record.operation;
  if (held && held.workflowId !== input.workflowId) throw new LockHeldError(where(input), held);
  const operation: OperationRecord = held
    ? {
        ...held,
        runId: input.runId,
        type: input.operation,
        phase: input.phase ?? held.phase,
        ...(input.intent ? { intent: input.intent } : {}),
      }
    : {
        workflowId: input.workflowId,
        runId: input.runId,
        type: input.operation,
        phase: input.phase ?? 'started',
        startedAt: now.toISOString(),
        ...(input.intent ? { intent: input.intent } : {}),
      };
  return { record: { ...record, operation }, acquisition: held ? 'reacquired' : 'acquired' };
}

/**
 * Release the lock: idempotent (no lock, or already released: record unchanged). Throws
 * {@link LockHeldError} when another workflow holds it. Appends the operation to the bounded history.
 */
export function withLockReleased<T>(
  record: DeployStateRecord<T>,
  input: ReleaseLockInput,
  now: Date,
): DeployStateRecord<T> {
  const held = record.operation;
  if (!held) return record;
  if (held.workflowId !== input.workflowId) throw new LockHeldError(where(input), held);
  const ended = { outcome: input.outcome ?? 'released', message: input.message };
  return { ...withPastOperation(record, held, ended, now), operation: null };
}

/** `operation` appended to the record's bounded history, ended now with `outcome` (and `message`, when given). */
export function withPastOperation<T>(
  record: DeployStateRecord<T>,
  operation: OperationRecord,
  ended: { outcome: string; message?: string },
  now: Date,
): DeployStateRecord<T> {
  const past = {
    workflowId: operation.workflowId,
    runId: operation.runId,
    type: operation.type,
    lastPhase: operation.phase,
    startedAt: operation.startedAt,
    endedAt: now.toISOString(),
    outcome: ended.outcome,
    ...(ended.message !== undefined ? { message: ended.message } : {}),
  };
  return { ...record, history: [...record.history, past].slice(-MAX_HISTORY) };
}

/** Record the phase (and intent) of the lock holder; throws when the caller does not hold it. */
export function withPhase<T>(record: DeployStateRecord<T>, input: SetPhaseInput): DeployStateRecord<T> {
  const held = record.operation;
  if (!held)
    throw new LockNotHeldError(
      where(input),
      `workflow ${input.workflowId} does not hold the lock of ${input.namespace}/${input.app} (no ` +
        `operation in progress)`,
    );
  if (held.workflowId !== input.workflowId) throw new LockHeldError(where(input), held);
  return { ...record, operation: { ...held, phase: input.phase, ...(input.intent ? { intent: input.intent } : {}) } };
}

/** Input of `withTriggerRenewed` (the activities' `savepoint-retry` record change). */
export interface RenewTriggerInput {
  namespace: string;
  app: string;
  workflowId: string;
  /** The trigger id the next savepoint attempt sends. */
  triggerId: string;
  /** The trigger it replaces (Flink failed it). */
  failedTriggerId: string;
}

/**
 * Record a new savepoint trigger id in the lock holder's intent (`triggerId`), the one it replaces appended to
 * `failedTriggerIds`; idempotent (a retried write changes nothing). Throws when the caller does not hold the lock.
 */
export function withTriggerRenewed<T>(record: DeployStateRecord<T>, input: RenewTriggerInput): DeployStateRecord<T> {
  const held = withPhase(record, { ...input, phase: record.operation?.phase ?? '' }).operation as OperationRecord;
  const intent = held.intent ?? {};
  const failed = Array.isArray(intent.failedTriggerIds) ? intent.failedTriggerIds : [];
  const failedTriggerIds = failed.includes(input.failedTriggerId) ? failed : [...failed, input.failedTriggerId];
  return { ...record, operation: { ...held, intent: { ...intent, triggerId: input.triggerId, failedTriggerIds } } };
}

/** Input of `withHolderReleased`: who held the lock, and why it is released by someone else. */
export interface ReleaseHolderInput {
  namespace: string;
  app: string;
  /** The holder as it was seen (workflow id AND run id): a lock taken since is never touched. */
  workflowId: string;
  runId: string;
  /** Kept in the history, e.g. `abandoned` (holder run closed) or `unlocked` (by a person). */
  outcome: string;
  message: string;
}

/**
 * Release a lock on behalf of a holder that can no longer release it (its run is closed, or a
 * person unlocked it): only when the lock is still held by exactly that workflow id and run id,
 * else the record is returned unchanged. The holder goes into the history with `outcome`.
 */
export function withHolderReleased<T>(
  record: DeployStateRecord<T>,
  input: ReleaseHolderInput,
  now: Date,
): DeployStateRecord<T> {
  const held = record.operation;
  if (!held || held.workflowId !== input.workflowId || held.runId !== input.runId) return record;
  return withLockReleased(
    record,
    {
      namespace: input.namespace,
      app: input.app,
      workflowId: held.workflowId,
      outcome: input.outcome,
      message: input.message,
    },
    now,
  );
}
