/**
 * Inputs and results of the flink-deploy workflows. Plain JSON data: it travels in Temporal
 * payloads, and the CLI imports it without any workflow code.
 */
import type { AppSpec } from '../spec/types';

/** The operations flink-deploy runs, one workflow type each (design.md §4). */
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
} as const;
export type Operation = (typeof Operation)[keyof typeof Operation];

/** An application: its Kubernetes namespace and name. */
export interface AppRef {
  namespace: string;
  name: string;
}

/** Why a savepoint was taken (the deployed-state record's own list). */
export { SavepointKind } from '../k8s/state-record/types';
import type { SavepointKind } from '../k8s/state-record/types';

/** How savepoints are kept: the newest `keep`, and none older than `maxAgeSeconds`. */
export interface RetentionPolicy {
  /** Keep at most this many savepoints (newest first). */
  keep: number;
  /** Dispose savepoints older than this (seconds); unset = no age limit. */
  maxAgeSeconds?: number;
}

/** Input of `apply`: the desired spec, validated and normalised by the caller. */
export interface ApplyInput {
  spec: AppSpec;
}

/** Input of `suspend`, `resume`, `savepoint`. */
export interface AppOperationInput {
  app: AppRef;
}

/** Input of `savepoint`. */
export interface SavepointInput extends AppOperationInput {
  kind: typeof SavepointKind.Manual | typeof SavepointKind.Periodic;
  /** Dispose savepoints beyond this policy once the new one is recorded. */
  retention?: RetentionPolicy;
}

/** Input of `rollback`. */
export interface RollbackInput extends AppOperationInput {
  /** Restore from this savepoint; default: the latest recorded one. */
  toSavepoint?: string;
}

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

/** A phase an operation went through, with the workflow time it was entered. */
export interface PhaseEntry {
  phase: string;
  at: string;
  details?: string;
}

/** What the `progress` query answers. */
export interface Progress {
  app: AppRef;
  operation: Operation;
  phase: string;
  details: string;
  phases: PhaseEntry[];
  result?: OperationResult;
}
