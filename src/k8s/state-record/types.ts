/**
 * The deployed-state record (design.md §3): one ConfigMap `<app>-deploy-state` per
 * application, JSON in `data["record.json"]`. Written before each side effect, with
 * resourceVersion compare-and-swap; its `operation` field is the per-application lock.
 *
 * Specs are kept generic (`TSpec`, default `unknown`): this module stores whatever JSON the
 * spec module hands it.
 */

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Why a savepoint (or checkpoint used as one) was taken. */
export const SavepointKind = {
  Upgrade: 'upgrade',
  Suspend: 'suspend',
  Manual: 'manual',
  Periodic: 'periodic',
  /** A retained checkpoint used as a restore point (last-state upgrades, fallbacks). */
  Checkpoint: 'checkpoint',
} as const;
export type SavepointKind = (typeof SavepointKind)[keyof typeof SavepointKind];

/** Status of the application as a whole. */
export const AppStatus = {
  None: 'none',
  Running: 'running',
  Suspended: 'suspended',
  Failed: 'failed',
} as const;
export type AppStatus = (typeof AppStatus)[keyof typeof AppStatus];

/** One entry of the savepoint history. */
export interface SavepointRecord {
  /** Savepoint path (URI), e.g. `file:///savepoints/savepoint-abc-123`. */
  location: string;
  /** ISO time it completed. */
  time: string;
  kind: SavepointKind;
  /** Our trigger id (32 hex), recorded before the trigger; null for checkpoints. */
  triggerId: string | null;
  /** The job it was taken of. */
  jobId: string | null;
  /** True only once the disposal succeeded; the entry stays until then. */
  disposed: boolean;
  /** Retention marked it for disposal; stays set until the disposal succeeded. */
  disposalPending?: boolean;
  /** The last disposal error, if any. */
  disposeError?: string;
  /** Job ids that were restored from it (never dispose one the running job uses). */
  restoredBy?: string[];
}

/** The operation holding the lock. */
export interface OperationRecord {
  workflowId: string;
  runId: string;
  /** deploy, upgrade, suspend, resume, rollback, savepoint... */
  type: string;
  /** Current phase, written before each side effect. */
  phase: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** What the operation is about to do (trigger id, target generation...), recorded first. */
  intent?: { [key: string]: JsonValue };
}

/** A finished operation, kept in a bounded history. */
export interface PastOperationRecord {
  workflowId: string;
  runId: string;
  type: string;
  /** The phase it was in when it released the lock. */
  lastPhase: string;
  startedAt: string;
  endedAt: string;
  /** e.g. succeeded, failed, rolled-back, cancelled. */
  outcome: string;
  message?: string;
}

/** The record. */
export interface DeployStateRecord<TSpec = unknown> {
  /** Schema version of this JSON. */
  version: 1;
  app: string;
  namespace: string;
  /** Deploy generation of the current objects (0: never deployed). */
  generation: number;
  /** Job id of the current generation. */
  jobId: string | null;
  lastAppliedSpec: TSpec | null;
  lastStableSpec: TSpec | null;
  lastStableJobId: string | null;
  savepoints: SavepointRecord[];
  /** The savepoint or checkpoint the current job was restored from. */
  restoredFrom: string | null;
  /** The lock: null when no operation runs. */
  operation: OperationRecord | null;
  /** Newest last, at most {@link MAX_HISTORY} entries. */
  history: PastOperationRecord[];
  status: AppStatus;
  /** Why the status is `failed` (e.g. "rollback failed: ..."). */
  failureReason?: string;
}

/** How many past operations the record keeps. */
export const MAX_HISTORY = 20;

/** A record as read, with what a compare-and-swap needs. */
export interface VersionedRecord<TSpec = unknown> {
  record: DeployStateRecord<TSpec>;
  /** The ConfigMap's resourceVersion: pass it to `writeRecord`. */
  resourceVersion: string;
  /** The ConfigMap's uid: what the app's objects' ownerReferences point to. */
  uid: string;
}

/** Name of the record ConfigMap of an application. */
export function recordName(app: string): string {
  return `${app}-deploy-state`;
}

/** A fresh record for an application that has none (status `none`, no lock). */
export function emptyRecord<TSpec = unknown>(namespace: string, app: string): DeployStateRecord<TSpec> {
  return {
    version: 1,
    app,
    namespace,
    generation: 0,
    jobId: null,
    lastAppliedSpec: null,
    lastStableSpec: null,
    lastStableJobId: null,
    savepoints: [],
    restoredFrom: null,
    operation: null,
    history: [],
    status: AppStatus.None,
  };
}
