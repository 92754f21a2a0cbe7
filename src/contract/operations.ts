/**
 * The operations flink-deploy runs, how they end, and their results. Plain JSON data: it
 * travels in Temporal payloads, and every layer imports it.
 */
import { FailureType } from './failures';

/** The operations flink-deploy runs, one workflow type each (docs/workflows.md). */
export const Operation = {
  Apply: 'apply',
  Deploy: 'deploy',
  Upgrade: 'upgrade',
  Scale: 'scale',
  Restart: 'restart',
  Suspend: 'suspend',
  Resume: 'resume',
  Rollback: 'rollback',
  Savepoint: 'savepoint',
  /** Remove the application: a final savepoint, every object, the HA leftovers, the record. */
  Delete: 'delete',
} as const;
export type Operation = (typeof Operation)[keyof typeof Operation];

/** How an operation ended. */
export const Outcome = {
  Succeeded: 'succeeded',
  /** Nothing to do: the deployed spec already matches. */
  NoChange: 'no-change',
  /** Skipped (e.g. a periodic savepoint while another operation holds the application). */
  Skipped: 'skipped',
  /** The upgrade failed and the last stable spec runs again. */
  RolledBack: 'rolled-back',
  Failed: 'failed',
  Cancelled: 'cancelled',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/**
 * The outcome of an operation that ended without a result of its own: cancelled, or failed with an activity's
 * failure (`UpgradeRolledBack`: the last stable spec runs again). The workflow records it; the CLI reports a closed
 * run by it.
 */
export function outcomeOfFailure(end: { cancelled: boolean; failureType?: string | null }): Outcome {
  if (end.cancelled) return Outcome.Cancelled;
  return end.failureType === FailureType.UpgradeRolledBack ? Outcome.RolledBack : Outcome.Failed;
}

/** The result of every operation (also carried in the details of a failure). */
export interface OperationResult {
  operation: Operation;
  outcome: Outcome;
  /** One sentence for humans. */
  message: string;
  /** The job running at the end (32 hex), if any. */
  jobId?: string;
  /** The savepoint (or checkpoint) this operation took. */
  savepoint?: string;
  /** The savepoint (or checkpoint) the running job was restored from. */
  restoredFrom?: string;
  /** Savepoints disposed by retention. */
  disposed?: string[];
}
