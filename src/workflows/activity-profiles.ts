/**
 * Named timeout/retry profiles, one per kind of call (style.md §9). Temporal retries; the
 * activities never loop on errors themselves. Long waits heartbeat, so a dead worker is
 * noticed within `heartbeatTimeout` and the wait resumes on another (or the restarted) one.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { FlinkDeployActivities } from '../activities/types';
import { FailureType } from '../contract/failures';

const nonRetryableErrorTypes = [
  FailureType.InvalidSpec,
  FailureType.OperationInProgress,
  FailureType.SavepointFailed,
  FailureType.NoCheckpoint,
  FailureType.JobFailed,
  FailureType.DeploymentUnhealthy,
  FailureType.NotStable,
  FailureType.RecordConflict,
  FailureType.KubernetesRefused,
  FailureType.FlinkRefused,
  FailureType.NothingToDo,
];

/** Short reads and writes of the deployed-state record and the Kubernetes API. */
export const record = proxyActivities<FlinkDeployActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes },
});

/** Server-side apply and deletes that wait for pods to go. */
export const kube = proxyActivities<FlinkDeployActivities>({
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '15 seconds', nonRetryableErrorTypes },
});

/** Short Flink REST calls (observe, latest checkpoint). */
export const flink = proxyActivities<FlinkDeployActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 20, nonRetryableErrorTypes },
});

/** Savepoints and cancellations: trigger + poll inside, heartbeating. */
export const savepoints = proxyActivities<FlinkDeployActivities>({
  startToCloseTimeout: '45 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '15 seconds', maximumAttempts: 10, nonRetryableErrorTypes },
});

/** The wait for a new job to be stable: heartbeating; its deadline travels in the input. */
export const stability = proxyActivities<FlinkDeployActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes },
});
