/**
 * Timeout/retry profiles of the activities on clusters that take jobs through REST (blue/green
 * generations and session clusters: src/activities/generation.ts), in the manner of ./activity-profiles.ts.
 */
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { GenerationActivities } from '../activities/types';
import { FailureType } from '../contract/failures';

const nonRetryableErrorTypes = [
  FailureType.InvalidSpec,
  FailureType.JobFailed,
  FailureType.DeploymentUnhealthy,
  FailureType.NotStable,
  FailureType.LockLost,
  FailureType.RecordDeleted,
  FailureType.KubernetesRefused,
  FailureType.FlinkRefused,
];

/**
 * The wait for a generation's cluster (alone, or after its start: startGeneration): heartbeating;
 * its deadline (the spec's stability timeout) travels in the input, so unlimited attempts cannot
 * extend it. 2 h bounds a spec's timeout.
 */
const clusterWaitOptions = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes },
} as const;
export const clusterWait =
  proxyActivities<Pick<GenerationActivities, 'awaitClusterReady' | 'startGeneration'>>(clusterWaitOptions);

/**
 * startGeneration as the workflow waits for its cancellation to complete (patch `blue-green-start-settles`): a
 * cancel lands while it applies the generation's objects; the removal that follows must come after that apply,
 * never beside it (the generation's cluster was left running beside the old job).
 */
export const clusterStartSettled = proxyActivities<Pick<GenerationActivities, 'startGeneration'>>({
  ...clusterWaitOptions,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/**
 * A session cluster's jobs (`GET /jobs/overview`), asked before an upgrade, suspend or delete of it: a
 * short read, 20 attempts (about 3 min of backoff up to 10 s); an unreachable JobManager fails the
 * operation before anything changes.
 */
export const sessionJobs = proxyActivities<Pick<GenerationActivities, 'sessionClusterJobs'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 20, nonRetryableErrorTypes },
});

/**
 * The REST jar run (runs the job's main(); Flink's client timeout is 2 min), alone or with its
 * record writes and the live Service's switch (submitToGeneration). 10 attempts: each looks for
 * our job id first, so a retry never submits twice; a refusal (FlinkRefused) is final.
 */
export const submit = proxyActivities<Pick<GenerationActivities, 'submitJob' | 'submitToGeneration'>>({
  startToCloseTimeout: '3 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '15 seconds', maximumAttempts: 10, nonRetryableErrorTypes },
});

/**
 * Server-side apply of the live Service, and a generation's removal (bounded by the
 * podsGoneTimeout setting): unlimited attempts, both are idempotent and must happen.
 */
export const generations = proxyActivities<
  Pick<GenerationActivities, 'switchLiveService' | 'removeGeneration' | 'standingGenerations'>
>({
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '15 seconds', nonRetryableErrorTypes },
});
