/**
 * Outside failures become classified ApplicationFailures (style.md §8): "could not ask"
 * (transport: retryable, thrown as is so Temporal retries) stays apart from "the answer is no"
 * (domain: a non-retryable ApplicationFailure with a type the workflow and CLI match on).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { isFlinkError } from '../flink';
import { KubeApiError } from '../k8s';
import {
  LockHeldError,
  LockNotHeldError,
  RecordConflictError,
  RecordCorruptError,
  RecordNotFoundError,
  RecordTooLargeError,
} from '../k8s/state-record/errors';
import { FailureType } from '../contract/failures';

/**
 * How much of an error's causes goes to Temporal with it: Temporal keeps a retried activity's last failure only up
 * to 4 KiB (`limit.mutableStateActivityFailureSize.error`), else it shows "Failure exceeds size limit." in its place. A
 * record conflict's chain (the conflict, the Kubernetes error, the client's exception with its headers), each
 * with its stack, was twice that.
 */
const CAUSES_KEPT = 3;
const CAUSE_CHARS = 300;

/**
 * The error, its causes replaced by one of their messages only (no stacks, no headers): what Temporal shows as the
 * last failure of a retried activity is then the error itself. Its class, code and message stay.
 */
function withCompactCauses<T>(err: T): T {
  if (!(err instanceof Error) || err.cause === undefined) return err;
  const messages: string[] = [];
  for (let cause: unknown = err.cause; cause !== undefined && messages.length < CAUSES_KEPT;) {
    const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    messages.push(text.split('\n')[0]!.slice(0, CAUSE_CHARS));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  const compact = new Error(messages.join(' <- '));
  compact.stack = compact.message;
  err.cause = compact;
  return err;
}

/** Throw-through: transport errors are rethrown for Temporal to retry; domain errors are classified. */
export function classify(err: unknown, context: string): unknown {
  return withCompactCauses(classifyError(err, context));
}

function classifyError(err: unknown, context: string): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof LockHeldError) {
    return ApplicationFailure.create({
      type: FailureType.OperationInProgress,
      nonRetryable: true,
      message:
        `operation in progress: ${err.holder.type} (workflow ${err.holder.workflowId}, phase ` +
        `${err.holder.phase}, since ${err.holder.startedAt})`,
      details: [err.holder],
    });
  }
  if (err instanceof LockNotHeldError || err instanceof RecordCorruptError) {
    return ApplicationFailure.create({
      type: FailureType.LockLost,
      nonRetryable: true,
      message: `${context}: ${err.message}`,
    });
  }
  if (err instanceof RecordTooLargeError) {
    // Refused before the write: the side effect it would have preceded never happens.
    return ApplicationFailure.create({
      type: FailureType.RecordTooLarge,
      nonRetryable: true,
      message: `${context}: ${err.message}`,
    });
  }
  if (err instanceof RecordNotFoundError) {
    // Deleted under a running operation: every retry would read the same absence.
    return ApplicationFailure.create({
      type: FailureType.RecordDeleted,
      nonRetryable: true,
      message:
        `${context}: ${err.message}: the application's record was deleted while the operation ran ` +
        `(flink-deploy delete, or by hand); nothing was written. Re-create it with flink-deploy apply`,
    });
  }
  if (err instanceof RecordConflictError) return err; // lost CAS races: retry from a fresh read
  if (err instanceof KubeApiError) {
    if (err.retryable) return err;
    return ApplicationFailure.create({
      type: FailureType.KubernetesRefused,
      nonRetryable: true,
      message: `${context}: ${err.message} (${err.code})`,
    });
  }
  if (isFlinkError(err)) {
    if (err.retryable) return err;
    return ApplicationFailure.create({
      type: FailureType.FlinkRefused,
      nonRetryable: true,
      message: `${context}: ${err.message} (${err.code})`,
    });
  }
  return err;
}

/** The reason Temporal gives an activity it cancels when its worker shuts down (SIGTERM). */
export const WORKER_SHUTDOWN = 'WORKER_SHUTDOWN';

/**
 * What to throw when the activity was cancelled while `fn` ran (its AbortSignal fired, so a Flink
 * request ends "aborted", which alone reads as a refusal): a graceful worker shutdown is a
 * retryable failure (another worker takes the activity over), a cancel asked by the workflow is
 * the cancellation itself. Undefined when not cancelled (or outside an activity).
 */
export function cancellationOf(context: string): Error | undefined {
  let signal: AbortSignal;
  try {
    signal = Context.current().cancellationSignal;
  } catch {
    return undefined; // not in an activity
  }
  if (!signal.aborted) return undefined;
  const reason: unknown = signal.reason;
  if (reason instanceof CancelledFailure && reason.message === WORKER_SHUTDOWN)
    return ApplicationFailure.retryable(
      `${context}: interrupted by the worker shutting down; retried on another worker`,
      'WorkerShutdown',
    );
  return reason instanceof Error ? reason : new CancelledFailure(`${context}: cancelled`);
}

/** Runs `fn`, classifying what it throws (a cancellation stays a cancellation: see cancellationOf). */
export async function classified<T>(context: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw cancellationOf(context) ?? classify(err, context);
  }
}

/** A non-retryable failure of the given type. */
export function fail(type: FailureType, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, nonRetryable: true, message });
}
