/**
 * What the observer (src/workflows/observer.ts) sees of each application between operations,
 * as it keeps it in the deployed-state record's `observed` field, and the inputs of its
 * workflows. Pure data: the activities write it, the CLI prints it (docs/observer.md).
 */
import type { AppRef } from './app';

/** The health of a running application as the last sweep saw it. */
export const Health = {
  /** The job is RUNNING, the JobManager answers, checkpoints complete on time. */
  Healthy: 'healthy',
  /** The job reached the terminal state FAILED: it runs no more until someone (or onJobFailure) restarts it. */
  Failed: 'failed',
  /** The job is RESTARTING, or restarted since the last sweep. */
  Restarting: 'restarting',
  /** RUNNING, but no checkpoint completed for longer than three checkpoint intervals. */
  CheckpointsStalled: 'checkpoints-stalled',
  /** The JobManager's REST API does not answer (pod gone, restarting, or unreachable). */
  JobManagerUnreachable: 'jobmanager-unreachable',
} as const;
export type Health = (typeof Health)[keyof typeof Health];

/** The Event reason told when an application enters each health (only on change). */
export const HealthEventReason: Record<Health, string> = {
  [Health.Healthy]: 'Recovered',
  [Health.Failed]: 'JobFailed',
  [Health.Restarting]: 'JobRestarting',
  [Health.CheckpointsStalled]: 'CheckpointsStalled',
  [Health.JobManagerUnreachable]: 'JobManagerUnreachable',
};

/** The record's `observed` field: written by the observer only, with compare-and-swap, never under the lock. */
export interface ObservedHealth {
  health: Health;
  /** ISO time the application entered this health. */
  since: string;
  /** ISO time of the sweep that wrote this. */
  observedAt: string;
  /** The job this was observed of (the record's jobId then). */
  jobId: string;
  /** Flink's job state (RUNNING, RESTARTING, FAILED...), absent when the JobManager did not answer. */
  jobState?: string;
  /** Restarts of the job since the generation started (its exception history, which Flink bounds to 16 by default). */
  restarts: number;
  /** The latest completed checkpoint of the job, if any. */
  lastCheckpoint?: { id: number; location: string; completedAt: string };
  /** One sentence for humans. */
  message: string;
}

/** Input of the `observer` workflow (one per task queue; continue-as-new carries it over). */
export interface ObserverInput {
  /** Time between sweeps, ms (the worker's `observer.interval` setting). */
  intervalMs: number;
}

/** Input of `restartFromCheckpoint`: started by the observer under the application's lock. */
export interface RestartFromCheckpointInput {
  app: AppRef;
  /** The job that failed: the restart is refused if the record names another one by then. */
  failedJobId: string;
  /** The retained checkpoint to restore from. */
  checkpoint: string;
  /** Why (one sentence, for the record's history). */
  reason: string;
}

/** Workflow id of the observer of a task queue: fixed, so at most one runs per queue. */
export function observerWorkflowId(taskQueue: string): string {
  return `flink-deploy-observer/${taskQueue}`;
}
