/**
 * Determinism: histories recorded from real end-to-end runs on the local stack must replay on
 * today's workflow code. The corpus: deploy; a savepoint upgrade with the worker SIGKILLed
 * mid-savepoint and mid-stability-wait; an upgrade rolled back; an upgrade whose rollback failed
 * too; and one run of every other operation: an apply that finds nothing changed, a manual
 * savepoint, a periodic savepoint whose retention disposes one, suspend, resume, rollback on
 * request, a last-state and a stateless upgrade, an upgrade cancelled during the rollout; a fleet
 * rollout of three applications (scripts/bench/fleet-rollout.ts --record-history); a blue-green
 * upgrade, one rolled back onto the generation still standing, suspend and resume of a blue-green
 * application; a session job's deploy, savepoint and last-state upgrades, suspend, resume, savepoint,
 * rollback and delete; a session cluster's upgrade carrying its jobs over; a FlinkStateSnapshot's existing
 * savepoint registered, registered again (no change), and one that does not exist refused
 * (test/e2e/register-savepoint.test.ts). Four are of the workflow test harness (test/support/workflow-env.ts, its
 * activities in memory): recorded by the code before patch `option-values-refused`, a deploy whose
 * `jobmanager.scheduler` Flink cannot read, which that code took (apply-deploy-unreadable-scheduler.binpb); by the
 * code before patch `option-values-by-version`, a Flink 2.2 deploy refused for a Flink 2.3 option 2.2 does not have
 * (apply-deploy-2-2-option-of-2-3.binpb) and a Flink 1.20 deploy with `pipeline.object-reuse: yes`, which that code
 * took (apply-deploy-1-20-unreadable-option.binpb); and by the code after it, a Flink 1.19 deploy refused for
 * `heartbeat.timeout: 50 s` (1.19 reads milliseconds; apply-deploy-1-19-option-by-version.binpb). Patch
 * `launch-checks`: a deploy whose checkpoint directory names a host (`file://tmp/…`), taken by the code before
 * (apply-deploy-checkpoint-dir-with-host.binpb), and the same refused by the code after
 * (apply-deploy-launch-check-refused.binpb). Patch `spec-checks-3`: a deploy whose checkpoint directory holds
 * credentials (`s3://user:password@…`) and a manual savepoint into `file://localhost/…`, taken by the code before
 * (apply-deploy-checkpoint-dir-with-credentials.binpb, savepoint-target-file-localhost.binpb), and the same refused by
 * the code after (apply-deploy-spec-checks-3-refused.binpb, savepoint-target-file-localhost-refused.binpb). Patch
 * `spec-checks-4`: a session job's deploy whose stability timeout (300 s) is shorter than its window (600 s), taken by
 * the code before (apply-session-job-stability-order.binpb), and the same refused by the code after
 * (apply-session-job-spec-checks-4-refused.binpb). Patch `spec-checks-5`: a deploy restoring from `file:/…` (and its
 * checkpoint directory so), refused by the code before (apply-deploy-file-one-slash-refused.binpb), and the same
 * deployed by the code after (apply-deploy-file-one-slash.binpb). Patch `apply-after-stopping-job-unknown`: a job
 * Flink does not know after a suspend closed in Savepointing, deployed from the savepoint it recorded
 * (apply-after-stopping-job-unknown-recorded.binpb), and after a last-state upgrade closed in Cancelling, refused
 * (apply-after-stopping-job-unknown-refused.binpb).
 * A change that breaks replay needs `patched()` (docs/architecture.md, "Changing workflow code");
 * the histories of the old code stay here, and histories of the new code are added beside them.
 * Record the corpus of every operation with one command (about 10 minutes; the local stack up,
 * this checkout's worker and CLI):
 *   FD_STACK_DIR=<stack dir> node --import tsx scripts/record-histories.ts [--overwrite]
 * and one finished run with
 *   node --import tsx scripts/record-history.ts <workflowId> <runId> <name>
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const dir = path.join(__dirname, '../../fixtures/histories');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.binpb'))
  .sort();

test('there are recorded histories to replay', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'apply-deploy.binpb',
      'apply-upgrade-rolled-back.binpb',
      'apply-upgrade-worker-killed-savepointing.binpb',
      'apply-no-change.binpb',
      'savepoint-manual.binpb',
      'savepoint-periodic.binpb',
      'suspend.binpb',
      'resume.binpb',
      'rollback.binpb',
      'apply-upgrade-last-state.binpb',
      'apply-upgrade-stateless.binpb',
      'apply-upgrade-cancelled.binpb',
      'fleet-rollout.binpb',
      'apply-upgrade-blue-green.binpb',
      'apply-upgrade-blue-green-rolled-back.binpb',
      'suspend-blue-green.binpb',
      'resume-blue-green.binpb',
      'apply-rescale-in-place.binpb',
      'apply-session-job-deploy.binpb',
      'apply-session-job-upgrade.binpb',
      'suspend-session-job.binpb',
      'resume-session-job.binpb',
      'delete-session-job.binpb',
      'apply-session-job-upgrade-last-state.binpb',
      'rollback-session-job.binpb',
      'savepoint-session-job.binpb',
      'restart-after-job-failed.binpb',
      'apply-session-cluster-carry-jobs.binpb',
      'fleet-session-cluster-and-jobs.binpb',
      'delete-stateless-session-job-cancelled.binpb',
      'suspend-stateless-session-job-cancelled.binpb',
      'register-savepoint.binpb',
      'register-savepoint-already.binpb',
      'register-savepoint-missing.binpb',
      'rollback-to-savepoint.binpb',
      'rollback-to-savepoint-missing.binpb',
      'savepoint-cancelled-late.binpb',
      'apply-upgrade-blue-green-cancelled-starting.binpb',
      'apply-session-cluster-carry-jobs-cancelled.binpb',
      'resume-finishes-unfinished.binpb',
      'apply-unfinished-rolls-back.binpb',
      'apply-blue-green-finishes-leftovers.binpb',
      'rollback-finishes-unfinished.binpb',
      'apply-session-job-cancelled-rolls-back.binpb',
      'resume-session-cluster-verifies-ready.binpb',
      'apply-session-cluster-verifies-ready.binpb',
      'apply-session-cluster-carried-terminated.binpb',
      'apply-session-cluster-resumes-carried.binpb',
      'apply-rollback-auto-cancelled-late.binpb',
      'apply-unfinished-failed-rolls-back.binpb',
      'apply-session-cluster-reapplies-recorded.binpb',
      'apply-deploy-unreadable-scheduler.binpb',
      'apply-deploy-2-2-option-of-2-3.binpb',
      'apply-deploy-1-20-unreadable-option.binpb',
      'apply-deploy-1-19-option-by-version.binpb',
      'apply-deploy-checkpoint-dir-with-host.binpb',
      'apply-deploy-launch-check-refused.binpb',
      'apply-deploy-checkpoint-dir-with-credentials.binpb',
      'apply-deploy-spec-checks-3-refused.binpb',
      'savepoint-target-file-localhost.binpb',
      'savepoint-target-file-localhost-refused.binpb',
      'apply-session-job-stability-order.binpb',
      'apply-session-job-spec-checks-4-refused.binpb',
      'apply-after-terminated-delete.binpb',
      'apply-after-terminated-suspend.binpb',
      'apply-after-terminated-last-state-upgrade.binpb',
      'apply-after-forgotten-suspend-trigger.binpb',
      'apply-session-job-cancelled-entering-wait.binpb',
      'apply-after-stopping-job-unknown-recorded.binpb',
      'apply-after-stopping-job-unknown-refused.binpb',
      'apply-deploy-file-one-slash-refused.binpb',
      'apply-deploy-file-one-slash.binpb',
    ]),
  );
});

// Bundled once for every history (given a path, each replay would bundle the workflow code again: ~8 s each).
let workflowBundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../../src/workflows'),
    logger: undefined,
  });
});

test.each(files)('%s replays on the current workflow code', async (file) => {
  const history = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));
  await Worker.runReplayHistory({ workflowBundle }, history, `replay-${file}`);
});

/** What each operation's recorded run did: its workflow type, how it closed, the activities it ran. */
const recordedOperations: Array<{
  file: string;
  workflowType: string;
  closed: 'completed' | 'failed';
  activities: string[];
  notActivities?: string[];
  cancelRequested?: boolean;
}> = [
  // Session jobs (FlinkSessionJob, test/long/session-jobs.test.ts): submitted to their cluster through REST.
  {
    file: 'apply-session-job-deploy.binpb',
    workflowType: 'apply',
    closed: 'completed',
    activities: ['stageSessionJob', 'applyApplication', 'submitSessionJob', 'awaitJobStable'],
    notActivities: ['takeSavepoint'],
  },
  {
    file: 'apply-session-job-upgrade.binpb',
    workflowType: 'apply',
    closed: 'completed',
    activities: ['preflightApplication', 'stageSessionJob', 'takeSavepoint', 'submitSessionJob', 'awaitJobStable'],
  },
  {
    file: 'suspend-session-job.binpb',
    workflowType: 'suspend',
    closed: 'completed',
    activities: ['takeSavepoint'],
    notActivities: ['submitSessionJob'],
  },
  // test/long/session-rollout.test.ts: the Apache example's stateless job, its cluster without a savepoint
  // directory (the savepoint refused by Flink: cancelled instead, patch suspend-stateless-cancels).
  {
    file: 'suspend-stateless-session-job-cancelled.binpb',
    workflowType: 'suspend',
    closed: 'completed',
    activities: ['takeSavepoint', 'cancelJob', 'removeDeployments'],
  },
  {
    file: 'resume-session-job.binpb',
    workflowType: 'resume',
    closed: 'completed',
    activities: ['stageSessionJob', 'submitSessionJob', 'awaitJobStable'],
  },
  {
    file: 'delete-session-job.binpb',
    workflowType: 'delete',
    closed: 'completed',
    activities: ['takeSavepoint', 'removeApplicationObjects', 'deleteRecord'],
  },
  // test/long/session-rollout.test.ts: a stateless job on a cluster with no savepoint directory (its final
  // savepoint refused by Flink: cancelled instead, patch delete-stateless-cancels).
  {
    file: 'delete-stateless-session-job-cancelled.binpb',
    workflowType: 'delete',
    closed: 'completed',
    activities: ['takeSavepoint', 'cancelJob', 'removeApplicationObjects', 'deleteRecord'],
  },
  {
    file: 'apply-session-job-upgrade-last-state.binpb',
    workflowType: 'apply',
    closed: 'completed',
    activities: ['stageSessionJob', 'latestCheckpoint', 'cancelJob', 'submitSessionJob', 'awaitJobStable'],
    notActivities: ['takeSavepoint'],
  },
  {
    file: 'rollback-session-job.binpb',
    workflowType: 'rollback',
    closed: 'completed',
    activities: ['takeSavepoint', 'stageSessionJob', 'submitSessionJob', 'awaitJobStable'],
  },
  {
    file: 'savepoint-session-job.binpb',
    workflowType: 'savepoint',
    closed: 'completed',
    activities: ['takeSavepoint'],
  },
  // A session cluster's upgrade carrying its two session jobs over (child suspend and resume runs).
  {
    file: 'apply-session-cluster-carry-jobs.binpb',
    workflowType: 'apply',
    closed: 'completed',
    activities: [
      'sessionJobsOnCluster',
      'sessionClusterJobs',
      'removeDeployments',
      'applyApplication',
      'awaitClusterReady',
    ],
  },
  // That upgrade terminated once its job was suspended (the fault matrix's upgrade-session-cluster/StartingCluster/
  // terminate), then apply again: the cluster verified ready, the job it recorded as carried resumed (a child run).
  {
    file: 'apply-session-cluster-resumes-carried.binpb',
    workflowType: 'apply',
    closed: 'completed',
    activities: ['awaitClusterReady', 'sessionJobsOnCluster'],
    notActivities: ['applyApplication', 'removeDeployments'],
  },
  // A first deploy of a session cluster terminated in Deploying, before its objects were applied (the fault matrix's
  // deploy-session-cluster/Deploying/terminate), then apply again: the recorded generation's objects applied, the
  // cluster waited for and recorded ready; nothing removed.
  {
    file: 'apply-session-cluster-reapplies-recorded.binpb',
    workflowType: 'apply',
    closed: 'completed',
    activities: ['applyApplication', 'awaitClusterReady'],
    notActivities: ['removeDeployments', 'removeHaMetadata'],
  },
  // Patch `apply-after-stopping-job-unknown` (the workflow test harness): a suspend closed in Savepointing, its
  // savepoint recorded, Flink not knowing the job for a minute of asking: deployed from that savepoint; a last-state
  // upgrade closed in Cancelling, nothing recorded of the job: refused StateUnknown, nothing deployed.
  {
    file: 'apply-after-stopping-job-unknown-recorded.binpb',
    workflowType: 'apply',
    closed: 'completed',
    activities: ['jobState', 'applyApplication', 'awaitJobStable'],
    notActivities: ['takeSavepoint', 'stateLeft', 'cancelJob'],
  },
  {
    file: 'apply-after-stopping-job-unknown-refused.binpb',
    workflowType: 'apply',
    closed: 'failed',
    activities: ['jobState', 'updateRecord'],
    notActivities: ['applyApplication', 'takeSavepoint', 'cancelJob', 'stateLeft'],
  },
  // A FlinkStateSnapshot with alreadyExists: true (test/e2e/register-savepoint.test.ts): the savepoint checked,
  // then recorded; the same path again changes nothing (no check); a path with no _metadata refused.
  {
    file: 'register-savepoint.binpb',
    workflowType: 'registerSavepoint',
    closed: 'completed',
    activities: ['beginOperation', 'checkSavepoint', 'updateRecord'],
    notActivities: ['takeSavepoint', 'disposeSavepoints', 'endAndDispose'],
  },
  {
    file: 'register-savepoint-already.binpb',
    workflowType: 'registerSavepoint',
    closed: 'completed',
    activities: ['beginOperation', 'updateRecord'],
    notActivities: ['checkSavepoint', 'takeSavepoint'],
  },
  {
    file: 'register-savepoint-missing.binpb',
    workflowType: 'registerSavepoint',
    closed: 'failed',
    activities: ['beginOperation', 'checkSavepoint', 'updateRecord'],
    notActivities: ['takeSavepoint'],
  },
  {
    file: 'apply-no-change.binpb',
    workflowType: 'apply',
    closed: 'completed',
    activities: ['beginOperation'],
    notActivities: ['applyApplication', 'takeSavepoint'],
  },
  {
    file: 'savepoint-manual.binpb',
    workflowType: 'savepoint',
    closed: 'completed',
    activities: ['takeSavepoint'],
    notActivities: ['disposeSavepoints'],
  },
  {
    file: 'savepoint-periodic.binpb',
    workflowType: 'savepoint',
    closed: 'completed',
    activities: ['takeSavepoint', 'disposeSavepoints'],
  },
  {
    file: 'suspend.binpb',
    workflowType: 'suspend',
    closed: 'completed',
    activities: ['takeSavepoint', 'removeDeployments'],
  },
  {
    file: 'resume.binpb',
    workflowType: 'resume',
    closed: 'completed',
    activities: ['applyApplication', 'awaitJobStable'],
    notActivities: ['takeSavepoint'],
  },
  {
    file: 'rollback.binpb',
    workflowType: 'rollback',
    closed: 'completed',
    activities: ['takeSavepoint', 'applyApplication', 'awaitJobStable'],
  },
  // rollback --to-savepoint (test/e2e/register-savepoint.test.ts): the savepoint named is checked before the job is
  // stopped; a missing one fails InvalidSpec with the job untouched.
  {
    file: 'rollback-to-savepoint.binpb',
    workflowType: 'rollback',
    closed: 'completed',
    activities: ['checkSavepoint', 'takeSavepoint', 'applyApplication', 'awaitJobStable'],
  },
  // A failing new version rolled back automatically, cancelled while it rolled back (the fault matrix's
  // rollback-auto/RollingBack/cancel): the rollback ran to its end (the last stable spec applied and waited for).
  {
    file: 'apply-rollback-auto-cancelled-late.binpb',
    workflowType: 'apply',
    closed: 'failed',
    cancelRequested: true,
    activities: ['takeSavepoint', 'applyApplication', 'awaitJobStable'],
  },
  // The failing version applied again over its upgrade terminated in WaitingForStable (the fault matrix's
  // rollback-auto/WaitingForStable/terminate): its job FAILED in the stability wait, never secured; the last stable
  // spec back from the state that job restored.
  {
    file: 'apply-unfinished-failed-rolls-back.binpb',
    workflowType: 'apply',
    closed: 'failed',
    activities: ['jobState', 'awaitJobStable', 'applyApplication'],
    notActivities: ['takeSavepoint'],
  },
  {
    file: 'rollback-to-savepoint-missing.binpb',
    workflowType: 'rollback',
    closed: 'failed',
    activities: ['beginOperation', 'checkSavepoint'],
    notActivities: ['takeSavepoint', 'applyApplication'],
  },
  {
    file: 'apply-upgrade-last-state.binpb',
    workflowType: 'apply',
    closed: 'completed',
    activities: ['latestCheckpoint', 'cancelJob', 'applyApplication', 'awaitJobStable'],
    notActivities: ['takeSavepoint'],
  },
  {
    file: 'apply-upgrade-stateless.binpb',
    workflowType: 'apply',
    closed: 'completed',
    activities: ['cancelJob', 'applyApplication', 'awaitJobStable'],
    notActivities: ['takeSavepoint', 'latestCheckpoint'],
  },
  {
    file: 'apply-upgrade-cancelled.binpb',
    workflowType: 'apply',
    closed: 'failed',
    activities: ['takeSavepoint', 'applyApplication', 'awaitJobStable'],
    cancelRequested: true,
  },
  // Blue/green, recorded before patch blue-green-folded-steps: the separate steps of a generation.
  {
    file: 'apply-upgrade-blue-green.binpb',
    workflowType: 'apply',
    closed: 'completed',
    activities: ['awaitClusterReady', 'takeSavepoint', 'submitJob', 'switchLiveService', 'removeGeneration'],
    notActivities: ['startGeneration', 'submitToGeneration'],
  },
  {
    file: 'apply-upgrade-blue-green-rolled-back.binpb',
    workflowType: 'apply',
    closed: 'failed',
    activities: ['awaitClusterReady', 'takeSavepoint', 'submitJob', 'awaitJobStable', 'removeGeneration'],
  },
  {
    file: 'suspend-blue-green.binpb',
    workflowType: 'suspend',
    closed: 'completed',
    activities: ['takeSavepoint', 'removeDeployments'],
  },
  {
    file: 'resume-blue-green.binpb',
    workflowType: 'resume',
    closed: 'completed',
    activities: ['awaitClusterReady', 'submitJob', 'awaitJobStable', 'removeGeneration'],
    notActivities: ['takeSavepoint'],
  },
  {
    // Parallelism 2 → 3 in place (issue 15): TaskManagers first, then the resource requirements; no savepoint,
    // no new generation.
    file: 'apply-rescale-in-place.binpb',
    workflowType: 'apply',
    closed: 'completed',
    activities: [
      'scaleTaskManagers',
      'awaitTaskManagerSlots',
      'setResourceRequirements',
      'awaitJobParallelism',
      'applyRescaledConfig',
    ],
    notActivities: ['takeSavepoint', 'applyApplication', 'startGeneration'],
  },
];

test.each(recordedOperations)('$file is a finished run of what its name says', (expected) => {
  const { EventType } = temporal.api.enums.v1;
  const events = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, expected.file))).events;
  const activities = new Set(events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []));
  expect({
    workflowType: events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name,
    closed:
      events.at(-1)?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
        ? 'completed'
        : events.at(-1)?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED
          ? 'failed'
          : events.at(-1)?.eventType,
    ran: expected.activities.filter((a) => activities.has(a)),
    notRan: (expected.notActivities ?? []).filter((a) => !activities.has(a)),
    cancelRequested: events.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED),
  }).toEqual({
    workflowType: expected.workflowType,
    closed: expected.closed,
    ran: expected.activities,
    notRan: expected.notActivities ?? [],
    cancelRequested: expected.cancelRequested ?? false,
  });
});

test('fleet-rollout.binpb is a finished fleet rollout whose children are apply runs', () => {
  const events = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, 'fleet-rollout.binpb'))).events;
  const children = events.flatMap(
    (e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ?? [],
  );
  expect({
    workflowType: events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name,
    completed: events.at(-1)?.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    children,
    childrenCompleted: events.filter((e) => e.childWorkflowExecutionCompletedEventAttributes).length,
  }).toEqual({ workflowType: 'fleet', completed: true, children: ['apply', 'apply', 'apply'], childrenCompleted: 3 });
});

test("fleet-session-cluster-and-jobs.binpb: the session cluster's apply completed before its jobs' started", () => {
  const file = path.join(dir, 'fleet-session-cluster-and-jobs.binpb');
  const events = temporal.api.history.v1.History.decode(readFileSync(file)).events;
  const order = events.flatMap((e) => {
    const started = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
    if (started) return [`start ${started.split('/').at(-1)}`];
    const done = e.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId;
    return done ? [`done ${done.split('/').at(-1)}`] : [];
  });
  expect(order.slice(0, 2)).toEqual(['start shared', 'done shared']);
  expect(order.slice(2).sort()).toEqual(['done orders', 'done payments', 'start orders', 'start payments']);
});
