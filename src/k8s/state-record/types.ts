/**
 * The deployed-state record (docs/architecture.md): one ConfigMap `<app>-deploy-state` per
 * application, JSON in `data["record.json"]`. Written before each side effect, with
 * resourceVersion compare-and-swap; its `operation` field is the per-application lock.
 *
 * Specs are kept generic (`TSpec`, default `unknown`): this module stores whatever JSON the
 * spec module hands it.
 */

import { AppStatus } from '../../contract/deployed-state';
import type { ObservedHealth } from '../../contract/observed-health';
import type { SavepointEntry } from '../../contract/savepoints';

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

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
  savepoints: SavepointEntry[];
  /** The savepoint or checkpoint the current job was restored from. */
  restoredFrom: string | null;
  /** The lock: null when no operation runs. */
  operation: OperationRecord | null;
  /** Newest last, at most {@link MAX_HISTORY} entries. */
  history: PastOperationRecord[];
  status: AppStatus;
  /** Why the status is `failed` (e.g. "rollback failed: ..."). */
  failureReason?: string;
  /** A session cluster: its session jobs an upgrade carries over and has not yet resumed (absent: none). */
  carriedJobs?: string[];
  /** What the observer last saw (docs/observer.md): its own field, written outside the lock. */
  observed?: ObservedHealth;
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
