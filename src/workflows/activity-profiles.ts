/**
 * Named timeout/retry profiles, one per kind of call (style.md §9), each a proxy typed with
 * exactly the activities it may call. Temporal retries; the activities never loop on errors
 * themselves. Long waits heartbeat, so a dead worker is noticed within `heartbeatTimeout` and the
 * wait resumes on another (or the restarted) one.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { RescaleActivities } from '../activities/rescale-types';
import type { FlinkDeployActivities as Activities } from '../activities/types';
import { FailureType } from '../contract/failures';

/** "The answer is no" from an activity: retrying gives the same answer, so it fails at once. */
const nonRetryableErrorTypes = [
  FailureType.InvalidSpec,
  FailureType.OperationInProgress,
  FailureType.SavepointFailed,
  FailureType.NoCheckpoint,
  FailureType.JobFailed,
  FailureType.DeploymentUnhealthy,
  FailureType.NotStable,
  FailureType.LockLost,
  FailureType.RecordDeleted,
  FailureType.KubernetesRefused,
  FailureType.FlinkRefused,
  FailureType.NothingToDo,
  FailureType.SessionClusterBusy,
];

/** How often a long wait reports it is alive; 20 s is ten poll intervals at the default 2 s. */
const heartbeatTimeout = '20 seconds';

/**
 * Reads and writes of the deployed-state record (the lock). Unlimited attempts: the record must
 * be written (an operation may not end with the lock held), so a Kubernetes API outage is
 * waited out, backing off to one try each 10 s; refusals are non-retryable and end it at once.
 */
export const record = proxyActivities<Pick<Activities, 'beginOperation' | 'updateRecord' | 'deleteRecord'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes },
});

/**
 * Server-side apply, and deletes that wait (bounded by the podsGoneTimeout setting, 2 min by
 * default) for the pods to go: 3 min covers the wait and the calls. Unlimited attempts: both are
 * idempotent and the operation cannot go on without them, so an API outage is waited out.
 */
export const kube = proxyActivities<
  Pick<
    Activities,
    | 'applyApplication'
    | 'applyIngress'
    | 'removeDeployments'
    | 'preflightApplication'
    | 'removeApplicationObjects'
    | 'removeHaMetadata'
  >
>({
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout,
  retry: { initialInterval: '1 second', maximumInterval: '15 seconds', nonRetryableErrorTypes },
});

/**
 * Short Flink REST reads (the latest checkpoint, the state an ended job left) made before anything is torn down.
 * 20 attempts (about 3 minutes of backoff up to 10 s): a JobManager unreachable that long fails the operation while
 * the old job still runs, rather than hold it open.
 */
export const flink = proxyActivities<Pick<Activities, 'latestCheckpoint' | 'stateLeft'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 20, nonRetryableErrorTypes },
});

/**
 * What Flink says of a job (jobState): the activity looks a few times itself and answers
 * UNREACHABLE rather than fail, so a few attempts cover a worker crash only.
 */
export const flinkLook = proxyActivities<Pick<Activities, 'jobState'>>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout,
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5, nonRetryableErrorTypes },
});

/**
 * Savepoints and cancellations: trigger + poll inside, heartbeating; 45 min fits a large state's
 * savepoint. 10 attempts: a retry resumes the same trigger id, so each attempt is cheap, but ten
 * crashes in a row mean something is wrong that a person should see (SavepointFailed keeps the job).
 */
export const savepoints = proxyActivities<Pick<Activities, 'takeSavepoint' | 'cancelJob'>>({
  startToCloseTimeout: '45 minutes',
  heartbeatTimeout,
  retry: { initialInterval: '1 second', maximumInterval: '15 seconds', maximumAttempts: 10, nonRetryableErrorTypes },
});

/**
 * Whether a savepoint to register exists (one stat of its `_metadata` on the worker's file system, or
 * nothing for object storage): 30 s; 5 attempts for a file system that hangs or errs, then the
 * registration fails and the record is unchanged. A missing savepoint is InvalidSpec: at once.
 */
export const savepointCheck = proxyActivities<Pick<Activities, 'checkSavepoint'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5, nonRetryableErrorTypes },
});

/**
 * The wait for a new job to be stable: heartbeating; its own deadline (the spec's stability
 * timeout) travels in the input, so a retry keeps it and unlimited attempts cannot extend it.
 * 2 h bounds a spec's stability timeout.
 */
export const stability = proxyActivities<Pick<Activities, 'awaitJobStable'>>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout,
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes },
});

/**
 * Disposing old savepoints after the lock is released, one by one (each bounded by the
 * disposalTimeout setting, 1 min by default), heartbeating: 30 min fits a long retention backlog.
 * 3 attempts: every disposal is recorded as it ends, and one still pending is retried by the next
 * savepoint run, so there is no reason to hold the finished operation open.
 */
export const disposal = proxyActivities<Pick<Activities, 'disposeSavepoints'>>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout,
  retry: { initialInterval: '1 second', maximumInterval: '15 seconds', maximumAttempts: 3, nonRetryableErrorTypes },
});

/**
 * The end of a savepoint run written, then the disposals it planned, in one activity (dispose.ts;
 * one Temporal action fewer per run than updateRecord + disposeSavepoints). Unlimited attempts, as
 * for `record`: the end must be written (the lock released). A failed disposal is not an error
 * (it is recorded and retried by the next run), so only the record's writes and a worker shutting
 * down retry it; each retry skips what the record already says is disposed. 30 min, heartbeating:
 * one disposal is bounded by the disposalTimeout setting (1 min by default).
 */
export const endWithDisposal = proxyActivities<Pick<Activities, 'endAndDispose'>>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout,
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes },
});

/**
 * In-place rescale (rescale.ts): the TaskManager Deployment's replicas, the resource requirements, and the
 * waits for both (their deadline travels in the input, WaitTimedOut ends them). 5 attempts: a rescale that
 * cannot be done falls back to the upgrade path rather than hold the application.
 */
export const rescaling = proxyActivities<RescaleActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout,
  retry: {
    initialInterval: '1 second',
    maximumInterval: '10 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [...nonRetryableErrorTypes, FailureType.WaitTimedOut],
  },
});

/**
 * A session job's jar staged on its cluster (fetched by the worker, uploaded once per content; the
 * cluster checked first) and the job submitted with our id (runs its main(); Flink's client timeout
 * is 2 min). 10 attempts: each submit looks for our job id first, so a retry never submits twice; a
 * refusal (InvalidSpec: no such cluster, a jar that cannot be had; FlinkRefused) is final.
 */
export const sessionJob = proxyActivities<
  Pick<Activities, 'stageSessionJob' | 'submitSessionJob' | 'sessionJobsOnCluster'>
>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '15 seconds', maximumAttempts: 10, nonRetryableErrorTypes },
});
