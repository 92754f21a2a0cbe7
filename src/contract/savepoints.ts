/**
 * Savepoints as the deployed-state record keeps them, and how many are kept. Pure data: the
 * record stores these entries, the workflows decide on them, the CLI prints them.
 */
import type { AppRef } from './app';
import { operationWorkflowId } from './ids';
import { Operation } from './operations';

/** Why a savepoint (or checkpoint used as one) was taken. */
export const SavepointKind = {
  Upgrade: 'upgrade',
  Suspend: 'suspend',
  Manual: 'manual',
  Periodic: 'periodic',
  /** The last savepoint of a deleted application; retention never disposes it. */
  Final: 'final',
  /** A retained checkpoint used as a restore point (last-state upgrades, fallbacks). */
  Checkpoint: 'checkpoint',
  /**
   * An existing savepoint registered by the user (a FlinkStateSnapshot with `alreadyExists: true`): not
   * taken by flink-deploy, so never disposed (retention, delete), and a restore point only when named
   * (`rollback --to-savepoint`), never the "latest" one resume or rollback pick.
   */
  Registered: 'registered',
} as const;
export type SavepointKind = (typeof SavepointKind)[keyof typeof SavepointKind];

/** One entry of the savepoint history (a savepoint, or a checkpoint used as one). */
export interface SavepointEntry {
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

/** How savepoints are kept: the newest `keep`, and none older than `maxAgeSeconds`. */
export interface RetentionPolicy {
  /** Keep at most this many savepoints (newest first). */
  keep: number;
  /** Dispose savepoints older than this (seconds); unset = no age limit. */
  maxAgeSeconds?: number;
}

/**
 * The kind a savepoint an operation took and never recorded (its run closed) is recorded as: what the operation
 * would have recorded it as.
 */
export function savepointKindOf(app: AppRef, holder: { type: string; workflowId?: string }): SavepointKind {
  switch (holder.type) {
    case Operation.Savepoint:
      // The application's own workflow id is a manual savepoint's; a schedule's runs have ids of their own.
      return holder.workflowId === operationWorkflowId(app) ? SavepointKind.Manual : SavepointKind.Periodic;
    case Operation.Suspend:
      return SavepointKind.Suspend;
    case Operation.Delete:
      return SavepointKind.Final;
    default:
      return SavepointKind.Upgrade;
  }
}
