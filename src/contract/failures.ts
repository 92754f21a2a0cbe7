/**
 * The `ApplicationFailure.type`s flink-deploy workflows and activities fail with. Match on
 * these strings (never `instanceof` across the workflow sandbox). Pure: imported by the CLI too.
 */
export const FailureType = {
  /** The spec is invalid; nothing was changed. Not retryable. */
  InvalidSpec: 'InvalidSpec',
  /** Another operation holds the application (workflow id in the details). Not retryable. */
  OperationInProgress: 'OperationInProgress',
  /** The savepoint could not be taken; the old job keeps running, nothing was torn down. */
  SavepointFailed: 'SavepointFailed',
  /** No usable checkpoint for a last-state upgrade (or for the fallback). */
  NoCheckpoint: 'NoCheckpoint',
  /** The job reached FAILED or keeps restarting. */
  JobFailed: 'JobFailed',
  /** Pods cannot run (image pull, crash loop, unschedulable). */
  DeploymentUnhealthy: 'DeploymentUnhealthy',
  /** The new deployment was not stable within the stability timeout. */
  NotStable: 'NotStable',
  /** The upgrade failed and the last stable spec was restored. Details: OperationResult. */
  UpgradeRolledBack: 'UpgradeRolledBack',
  /** The upgrade failed, and so did the rollback: the application needs a person. */
  RollbackFailed: 'RollbackFailed',
  /** There is nothing to operate on (no record, no running job, no savepoint). */
  NothingToDo: 'NothingToDo',
  /** The lock in the deployed-state record is no longer ours, or the record is unreadable. Not retryable. */
  LockLost: 'LockLost',
  /** Kubernetes refused the request (RBAC, validation). */
  KubernetesRefused: 'KubernetesRefused',
  /** The deployed-state record would not fit in its ConfigMap; nothing was written (message names the size). */
  RecordTooLarge: 'RecordTooLarge',
  /** The deployed-state record was deleted while the operation ran (`flink-deploy delete`, by hand). Not retryable. */
  RecordDeleted: 'RecordDeleted',
  /** A wait ran out (e.g. pods stuck Terminating); the message names what it waited for. */
  WaitTimedOut: 'WaitTimedOut',
  /**
   * Flink does not know the job an operation that never finished stopped, and the state it left is not recorded:
   * the record says `failed`, nothing was deployed; the message names the choices. Not retryable.
   */
  StateUnknown: 'StateUnknown',
  /** Flink refused the request. */
  FlinkRefused: 'FlinkRefused',
  /**
   * A session cluster's upgrade, suspend or delete while jobs run on it: refused, nothing changed (the
   * message names the jobs and what to run first). Not retryable.
   */
  SessionClusterBusy: 'SessionClusterBusy',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** How the record's `failureReason` of a `StateUnknown` begins (the workflow writes it, `status` reads it). */
export function stateUnknownReason(jobId: string): string {
  return `Flink does not know job ${jobId}`;
}

/**
 * The detail (first of `ApplicationFailure.details`) of a `SavepointFailed` whose trigger Flink failed while the job
 * was failing over (src/activities/savepoint-failover.ts classifies it): the workflow may try again with a new
 * trigger id, recorded first (src/workflows/savepoint-retry.ts). Any other SavepointFailed has no such detail.
 */
export interface SavepointFailoverDetail {
  kind: 'savepoint-failed-in-failover';
  /** The trigger Flink failed (it stays failed: a retry needs a new id). */
  triggerId: string;
  /** Flink's cause, as it said it. */
  cause: string;
  /** What showed the failover (the job RESTARTING, or restarted since the trigger). */
  evidence: string;
  /** How many triggers an operation may try in all (`savepoint.failoverAttempts`, the worker's setting). */
  attempts: number;
}

/** The failover detail of a failure's details, if it has one. */
export function savepointFailoverDetail(
  details: readonly unknown[] | null | undefined,
): SavepointFailoverDetail | undefined {
  const first = details?.[0] as Partial<SavepointFailoverDetail> | undefined;
  return first?.kind === 'savepoint-failed-in-failover' && typeof first.triggerId === 'string'
    ? (first as SavepointFailoverDetail)
    : undefined;
}
