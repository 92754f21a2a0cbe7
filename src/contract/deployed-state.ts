/**
 * The deployed state of an application as the workflows see it, and the changes they record
 * in it (applied by `src/activities/record-changes.ts` under the lock). Pure data.
 */
import type { AppSpec } from '../spec/types';
import type { SavepointEntry } from './savepoints';

/** Status of the application as a whole. */
export const AppStatus = {
  None: 'none',
  Running: 'running',
  Suspended: 'suspended',
  Failed: 'failed',
} as const;
export type AppStatus = (typeof AppStatus)[keyof typeof AppStatus];

/** What the deployed-state record says of an application, as the workflows see it. */
export interface DeployedState {
  /** False when the application was never deployed (no record yet). */
  exists: boolean;
  status: AppStatus;
  /** Deploy generation of the current objects (0 = never deployed). */
  generation: number;
  jobId?: string;
  lastAppliedSpec?: AppSpec;
  lastStableSpec?: AppSpec;
  lastStableJobId?: string;
  /** The savepoint or checkpoint the current job was restored from. */
  restoredFrom?: string;
  savepoints: SavepointEntry[];
  /**
   * A session cluster: the session jobs an upgrade that carries them over suspended and has not yet resumed (set
   * before they are suspended); absent when none.
   */
  carriedJobs?: string[];
  /** Why the status is `failed`, as the record says (absent otherwise, and in histories recorded before it). */
  failureReason?: string;
  /**
   * The operation before this one, as the record's history ends: its type, how it ended (`succeeded`, `failed`,
   * `abandoned` when its run closed holding the lock, …) and the phase it was in. Absent when the record has no
   * history (and in histories recorded before it was added).
   */
  lastOperation?: { type: string; outcome: string; phase: string };
}

/** A change to the deployed-state record, applied under the lock. */
export type RecordChange =
  /**
   * The operation's phase, written before the phase's first side effect; `details` (what the phase
   * does, in words) goes into its Kubernetes Event, not into the record.
   */
  | { kind: 'phase'; phase: string; details?: string }
  /**
   * A savepoint trigger Flink failed while the job was failing over is replaced by a new one, written before the new
   * one is sent (src/workflows/savepoint-retry.ts): the lock's intent gets `triggerId` (the new one) and
   * `failedTriggerIds` (every trigger replaced, in order). `reason` (why, in words) goes into a Kubernetes Event.
   */
  | { kind: 'savepoint-retry'; triggerId: string; failedTriggerId: string; reason: string }
  | { kind: 'savepoint-completed'; entry: SavepointEntry }
  | { kind: 'deploying'; generation: number; jobId: string; spec: AppSpec; restoredFrom?: string }
  | { kind: 'stable'; generation: number; jobId: string; spec: AppSpec }
  | { kind: 'applied'; spec: AppSpec }
  | { kind: 'suspended'; spec: AppSpec }
  | { kind: 'failed'; reason: string }
  | { kind: 'disposal-planned'; locations: string[] }
  /** A session cluster (spec.sessionCluster: no job of its own) is being deployed as `generation`. */
  | { kind: 'cluster-deploying'; generation: number; spec: AppSpec }
  /** That session cluster is ready: its JobManager answers, its TaskManagers and slots registered. */
  | { kind: 'cluster-ready'; generation: number; spec: AppSpec }
  /** The session jobs of this cluster carried over and not yet resumed (empty: none), recorded before the suspends. */
  | { kind: 'jobs-carried'; jobs: string[] };
