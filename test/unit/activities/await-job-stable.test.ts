/**
 * awaitJobStable, the real activity over the in-memory Kubernetes (pods) and the mock Flink
 * (job, restarts, checkpoints): each stability rule, on a test clock that moves 5 s per look; and
 * the generation rule (issue 11 item 5) over stubbed pods and Flink.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { stabilityActivities } from '../../../src/activities/stability';
import type { ActivityDeps } from '../../../src/activities/deps';
import type { PodReadiness } from '../../../src/k8s/facade/pod-readiness';
import type { FlinkRestClient } from '../../../src/flink';
import type { AwaitStableInput } from '../../../src/activities/types';
import { FailureType } from '../../../src/contract/failures';
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';
import { podOf, type PodInit } from '../../support/kube-objects';

const app = { namespace: 'default', name: 'counter' };
const jobId = '11112222333344445555666677778888';
const restorePath = 'file:///flink/savepoints/savepoint-0a1b2c-f0e1d2c3b4a5';
const msPerPoll = 5000;

let h: ActivityHarness;
/** What each look saw (the heartbeat details carry it with what a retry resumes from). */
const seen = (harness: ActivityHarness): string[] => harness.heartbeats.map((d) => (d as { seen: string }).seen);
/** Closed after each test that built one (the generation tests below build none). */
let closeHarness: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeHarness?.();
  closeHarness = undefined;
});
function newHarness(options: Parameters<typeof activityHarness>[0]): ActivityHarness {
  h = activityHarness(options);
  closeHarness = () => h.close();
  return h;
}

function harness(): ActivityHarness {
  newHarness({ msPerPoll });
  putPods();
  return h;
}

function putPods(overrides: Partial<Record<'jobmanager' | 'taskmanager', Partial<PodInit>>> = {}): void {
  for (const component of ['jobmanager', 'taskmanager'] as const) {
    h.kube.putPod(podOf({ app: app.name, component, name: `counter-${component}-0`, ...overrides[component] }));
  }
}

function awaitStable(input: Partial<AwaitStableInput> = {}) {
  return h.run('awaitJobStable', {
    app,
    jobId,
    expectRestoredFrom: restorePath,
    stability: { windowSeconds: 30, requireCheckpoint: false, timeoutSeconds: 300 },
    deadline: Date.now() + 300_000,
    ...input,
  });
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

test('stable once RUNNING (every vertex) for the whole window, restored from the expected path', async () => {
  harness();
  h.flink.runJob(jobId, { restoredFrom: restorePath, completedCheckpoints: 2 });

  const stable = await awaitStable();

  expect(stable).toEqual({ restoredFrom: restorePath, completedCheckpoints: 2 });
  expect(h.elapsedMs()).toBe(30_000);
  // The test clock also carries the real time the activity took, so a loaded machine may add a second.
  expect(seen(h).at(-1)).toMatch(/^RUNNING 2[5-9]s of the 30s window, 2 checkpoint\(s\)$/);
});

test('the window starts only when every vertex runs', async () => {
  harness();
  const job = h.flink.runJob(jobId, {
    restoredFrom: restorePath,
    vertices: [{ name: 'Source: keys', status: 'INITIALIZING' }],
  });
  h.atPoll(2, () => (job.vertices[0]!.status = 'RUNNING'));

  await awaitStable();

  expect(seen(h).slice(0, 2)).toEqual(Array(2).fill('job is RUNNING (tasks still deploying)'));
  expect(h.elapsedMs()).toBe(10_000 + 30_000);
});

test('a restart starts the window again', async () => {
  harness();
  h.flink.runJob(jobId, { restoredFrom: restorePath });
  h.atPoll(3, () => h.flink.restart(jobId));

  await awaitStable();

  expect(h.elapsedMs()).toBe(15_000 + 30_000);
});

test('restarts reaching the limit: JobFailed naming how many and the root cause', async () => {
  harness();
  h.flink.runJob(jobId, { restoredFrom: restorePath });
  for (const poll of [1, 2, 3])
    h.atPoll(poll, () => h.flink.restart(jobId, 'java.lang.ArithmeticException: / by zero'));

  const failure = await failureOf(awaitStable());

  expect(failure).toMatchObject({ type: FailureType.JobFailed, nonRetryable: true });
  expect(failure.message).toBe(
    `job ${jobId} of default/counter restarted 3 times while stabilising: java.lang.ArithmeticException: / by zero`,
  );
  expect(h.heartbeats).toHaveLength(3);
});

test('restarts below the limit are tolerated', async () => {
  newHarness({ msPerPoll, config: { maxJobRestarts: 3 } });
  putPods();
  h.flink.runJob(jobId, { restoredFrom: restorePath });
  for (const poll of [1, 2]) h.atPoll(poll, () => h.flink.restart(jobId));

  await expect(awaitStable()).resolves.toMatchObject({ restoredFrom: restorePath });
});

test('the job FAILED: JobFailed at once, with the root cause', async () => {
  harness();
  h.flink.runJob(jobId, { restoredFrom: restorePath });
  h.flink.failJob(jobId, 'java.lang.ClassNotFoundException: io.example.Missing');

  const failure = await failureOf(awaitStable());

  expect(failure.type).toBe(FailureType.JobFailed);
  expect(failure.message).toMatch(/ FAILED: java\.lang\.ClassNotFoundException: io\.example\.Missing$/);
  expect(h.heartbeats).toHaveLength(0);
});

test('a pod crash-looping: DeploymentUnhealthy naming the pod and why', async () => {
  harness();
  h.flink.runJob(jobId, { restoredFrom: restorePath });
  h.atPoll(2, () =>
    putPods({ taskmanager: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' }, restartCount: 3 } }),
  );

  const failure = await failureOf(awaitStable());

  expect(failure.type).toBe(FailureType.DeploymentUnhealthy);
  expect(failure.message).toBe(
    'pod counter-taskmanager-0 keeps crashing: CrashLoopBackOff in flink-main-container (last exit code 1, 3 restarts)',
  );
});

test('a pod whose image cannot be pulled: DeploymentUnhealthy at the first look', async () => {
  newHarness({ msPerPoll });
  putPods({
    jobmanager: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "flink:2.3-typo"' } },
  });
  h.flink.reachable = false;

  const failure = await failureOf(awaitStable());

  expect(failure.type).toBe(FailureType.DeploymentUnhealthy);
  expect(failure.message).toBe(
    'pod counter-jobmanager-0 cannot start: ImagePullBackOff (Back-off pulling image "flink:2.3-typo")',
  );
  expect(h.heartbeats).toHaveLength(0);
});

test('JobManager unreachable, then the job not submitted yet: waited for, not failed', async () => {
  harness();
  h.flink.reachable = false;
  h.atPoll(2, () => (h.flink.reachable = true));
  h.atPoll(3, () => h.flink.runJob(jobId, { restoredFrom: restorePath }));

  await awaitStable();

  expect(seen(h).slice(0, 3)).toEqual([
    'JobManager not reachable yet (counter-jobmanager-0: ready; counter-taskmanager-0: ready)',
    'JobManager not reachable yet (counter-jobmanager-0: ready; counter-taskmanager-0: ready)',
    'JobManager up, job not submitted yet (counter-jobmanager-0: ready; counter-taskmanager-0: ready)',
  ]);
  expect(h.elapsedMs()).toBe(15_000 + 30_000);
});

test('not stable by the deadline: NotStable with what was seen last', async () => {
  harness();
  h.flink.runJob(jobId, { restoredFrom: restorePath, vertices: [{ name: 'Source: keys', status: 'DEPLOYING' }] });

  const failure = await failureOf(awaitStable({ deadline: Date.now() + 60_000 }));

  expect(failure.type).toBe(FailureType.NotStable);
  expect(failure.message).toBe(
    `job ${jobId} of default/counter not stable within 300s: job is RUNNING (tasks still deploying)`,
  );
  expect(h.elapsedMs()).toBe(60_000);
});

test("Flink answering the job's details, never its exceptions: NotStable at the deadline, not retried", async () => {
  harness();
  h.flink.runJob(jobId, { restoredFrom: restorePath });
  h.flink.inject(/\/exceptions/, { status: 500 }, { times: 1_000 });

  const failure = await failureOf(awaitStable({ deadline: Date.now() + 60_000 }));

  expect(failure.type).toBe(FailureType.NotStable);
  expect(failure.message).toBe(
    `job ${jobId} of default/counter not stable within 300s: ` +
      'job is RUNNING; Flink did not answer for its exceptions yet',
  );
  expect(h.elapsedMs()).toBe(60_000);
});

test('its checkpoints not answered for a while: the window starts again once they are, then stable', async () => {
  harness();
  h.flink.runJob(jobId, { restoredFrom: restorePath });
  h.flink.inject(/\/checkpoints/, { status: 503 }, { times: 4 });

  const stable = await awaitStable();

  expect(stable).toEqual({ restoredFrom: restorePath, completedCheckpoints: 0 });
  expect(seen(h).slice(0, 4)).toEqual(Array(4).fill('job is RUNNING; Flink did not answer for its checkpoints yet'));
  // Four looks without an answer, then the 30 s window from the first answered one.
  expect(h.elapsedMs()).toBe(4 * msPerPoll + 30_000);
});

test('restored from another path than the one deployed: JobFailed', async () => {
  harness();
  h.flink.runJob(jobId, { restoredFrom: 'file:///flink/checkpoints/chk-3' });

  const failure = await failureOf(awaitStable());

  expect(failure.type).toBe(FailureType.JobFailed);
  expect(failure.message).toContain(`restored from file:///flink/checkpoints/chk-3, not from ${restorePath}`);
});

test('a required checkpoint is waited for before the job counts as stable', async () => {
  harness();
  const job = h.flink.runJob(jobId, { restoredFrom: restorePath });
  h.atPoll(8, () => (job.completedCheckpoints = 1));

  const stable = await awaitStable({
    stability: { windowSeconds: 30, requireCheckpoint: true, timeoutSeconds: 300 },
  });

  expect(stable.completedCheckpoints).toBe(1);
  expect(seen(h)[6]).toMatch(/^RUNNING 3[0-4]s, waiting for a completed checkpoint$/);
  expect(h.elapsedMs()).toBe(40_000);
});

// Issue 11 item 5: the wait judges only the generation it waits for, and a failover to the job's own
// checkpoint is not a wrong restore (on the local stack the failed generation's pods usually go
// before the first check: test/faults/rollback-image.test.ts). Flink and the pods stubbed directly.
const generationJobId = 'c'.repeat(32);
const generationSavepoint = 'file:///data/savepoints/savepoint-1-abc';

const generationPod = (name: string, generation: number, ready: boolean): PodReadiness => ({
  name,
  phase: ready ? 'Running' : 'Pending',
  ready,
  generation,
  restartCount: 0,
  containers: [],
  problems: ready ? [] : [{ kind: 'image-pull', reason: 'ImagePullBackOff', message: 'flink:9.9 not found' }],
  summary: ready ? 'ready' : 'ImagePullBackOff',
});

function stubDeps(opts: { pods: PodReadiness[]; restored: string; exceptions: number }): ActivityDeps {
  const flink = {
    jobDetails: async () => ({ state: 'RUNNING', vertices: [{ status: 'RUNNING' }] }),
    jobExceptions: async () => ({
      exceptionHistory: {
        entries: Array.from({ length: opts.exceptions }, () => ({ exceptionName: 'IOException', stacktrace: 'x' })),
      },
    }),
    checkpoints: async () => ({ latestRestored: { externalPath: opts.restored }, counts: { completed: 1 } }),
  } as unknown as FlinkRestClient;
  return {
    kube: { listAppPods: async () => ({ pods: opts.pods, readyCount: 0, events: [] }) },
    flinkFor: async () => flink,
    config: { pollIntervalMs: 10, maxJobRestarts: 5, maxPodRestarts: 3 },
  } as unknown as ActivityDeps;
}

const generationInput = (generation: number | undefined) => ({
  app: { namespace: 'ns', name: 'app' },
  jobId: generationJobId,
  generation,
  expectRestoredFrom: generationSavepoint,
  stability: { windowSeconds: 0, timeoutSeconds: 5, requireCheckpoint: false },
  deadline: Date.now() + 5000,
});

describe('the generation waited for', () => {
  test("the failed generation's pods (ImagePullBackOff, still going) do not fail the wait for the next", async () => {
    const pods = [generationPod('app-jobmanager-old', 4, false), generationPod('app-jobmanager-new', 5, true)];
    const activities = stabilityActivities(stubDeps({ pods, restored: generationSavepoint, exceptions: 0 }));
    await expect(
      new MockActivityEnvironment().run(activities.awaitJobStable, generationInput(5)),
    ).resolves.toMatchObject({
      completedCheckpoints: 1,
    });
  });

  test('the generation waited for is still judged: its own pod that cannot pull fails the wait', async () => {
    const pods = [generationPod('app-jobmanager-new', 5, false)];
    const activities = stabilityActivities(stubDeps({ pods, restored: generationSavepoint, exceptions: 0 }));
    await expect(
      new MockActivityEnvironment().run(activities.awaitJobStable, generationInput(5)),
    ).rejects.toMatchObject({
      type: 'DeploymentUnhealthy',
    });
  });

  test("a failover to the job's own checkpoint within the restart budget is stable, not a wrong restore", async () => {
    const restored = `file:/data/checkpoints/${generationJobId}/chk-3`;
    const activities = stabilityActivities(stubDeps({ pods: [generationPod('jm', 5, true)], restored, exceptions: 1 }));
    await expect(
      new MockActivityEnvironment().run(activities.awaitJobStable, generationInput(5)),
    ).resolves.toMatchObject({
      restoredFrom: restored,
    });
  });
});
