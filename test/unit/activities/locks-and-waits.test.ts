/**
 * Issue 11 items 8, 10 and 11 on the real activities (in-memory Kubernetes, mock Flink): the lock
 * of a closed holder run is released by the next operation, checked by workflow id AND run id;
 * waits resumed after a worker restart keep their bound (pods stuck Terminating) and count only
 * observed time (the stability deadline, also when the outage came before the first look; the rescale
 * waits); a worker shutdown is a retryable failure.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../../src/contract/failures';
import type { RunState } from '../../../src/contract/run-state';
import type { StabilityProgress } from '../../../src/activities/stability';
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';
import { podOf } from '../../support/kube-objects';

const app = { namespace: 'default', name: 'counter' };
const scheduled = {
  app,
  workflowId: 'flink-deploy-savepoints/default/counter-wf',
  runId: 'run-1',
  operation: 'savepoint',
} as const;
const apply = { app, workflowId: 'flink-deploy/default/counter', runId: 'run-a', operation: 'upgrade' } as const;
const jobId = '11112222333344445555666677778888';

let h: ActivityHarness;
afterEach(() => h.close());

/** Temporal as a table: `workflowId/runId` → state; anything else is not found. */
const temporal = (runs: Record<string, RunState>) => ({
  runState: (workflowId: string, runId: string) =>
    Promise.resolve(runs[`${workflowId}/${runId}`] ?? ({ kind: 'not-found' } as RunState)),
});

async function refusal(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

test(
  'the lock of a holder whose run is closed is released ' + 'by the next operation, and the history says so',
  async () => {
    h = activityHarness({
      runs: temporal({ [`${scheduled.workflowId}/run-1`]: { kind: 'closed', status: 'TERMINATED' } }),
    });
    await h.run('beginOperation', scheduled);

    await h.run('beginOperation', apply);

    const { record } = (await h.kube.records.readRecord(app.namespace, app.name))!;
    expect(record.operation).toMatchObject({ workflowId: apply.workflowId, runId: 'run-a' });
    expect(record.history.at(-1)).toMatchObject({
      workflowId: scheduled.workflowId,
      runId: 'run-1',
      outcome: 'abandoned',
    });
    expect(record.history.at(-1)?.message).toContain('is closed (TERMINATED)');
  },
);

test(
  'never released while the holder runs, when another run of ' + 'its id holds it, or when Temporal does not know it',
  async () => {
    const closedRun1 = { [`${scheduled.workflowId}/run-1`]: { kind: 'closed', status: 'TERMINATED' } as RunState };
    for (const [runs, holderRun] of [
      [{ [`${scheduled.workflowId}/run-1`]: { kind: 'running' } as RunState }, 'run-1'],
      [closedRun1, 'run-2'], // run-1 closed, but run-2 of the same workflow id holds the lock and runs
      [{}, 'run-1'], // history gone: `flink-deploy unlock` is for that
    ] as const) {
      h = activityHarness({
        runs: temporal({
          ...runs,
          ...(holderRun === 'run-2' ? { [`${scheduled.workflowId}/run-2`]: { kind: 'running' } } : {}),
        }),
      });
      await h.run('beginOperation', { ...scheduled, runId: holderRun });
      const refused = await refusal(h.run('beginOperation', apply));
      expect(refused.type).toBe(FailureType.OperationInProgress);
      const { record } = (await h.kube.records.readRecord(app.namespace, app.name))!;
      expect(record.operation).toMatchObject({ workflowId: scheduled.workflowId, runId: holderRun });
      await h.close();
    }
    h = activityHarness();
  },
);

test(
  'pods stuck Terminating: the wait resumed after a worker ' +
    'restart keeps its first start, then fails naming the pod',
  async () => {
    h = activityHarness({ msPerPoll: 1_000, info: { heartbeatDetails: { waitingSince: Date.now() - 150_000 } } });
    h.kube.putPod(podOf({ app: app.name, component: 'taskmanager', name: 'counter-taskmanager-stuck' }));

    const failure = await refusal(h.run('removeDeployments', { app }));

    expect(failure).toMatchObject({ type: FailureType.WaitTimedOut, nonRetryable: true });
    expect(failure.message).toContain('pods of default/counter still there after 120s: counter-taskmanager-stuck');
    expect(h.elapsedMs()).toBeLessThanOrEqual(1_000); // one look, not another 120 s
  },
);

test(
  'the stability deadline counts observed time only: a healthy job is stable after a worker outage longer ' +
    'than the timeout',
  async () => {
    const now = Date.now();
    // The wait started 10 min ago with a 5 min timeout; the worker died 9 min ago while the job ran.
    const before: StabilityProgress = {
      seen: 'RUNNING 20s of the 30s window, 1 checkpoint(s)',
      observedAt: now - 540_000,
      deadline: now - 300_000,
      restartsSeen: 0,
      runningSince: now - 560_000,
    };
    const input = {
      app,
      jobId,
      stability: { windowSeconds: 30, requireCheckpoint: false, timeoutSeconds: 300 },
      deadline: now - 300_000,
    };
    h = activityHarness({ msPerPoll: 5_000, info: { heartbeatDetails: before } });
    h.flink.runJob(jobId, { completedCheckpoints: 3 });
    await expect(h.run('awaitJobStable', input)).resolves.toEqual({ completedCheckpoints: 3, restoredFrom: undefined });
    await h.close();

    // Without what the first attempt observed, the absolute deadline alone rolls the healthy job back.
    h = activityHarness({ msPerPoll: 5_000 });
    h.flink.runJob(jobId, { completedCheckpoints: 3 });
    expect((await refusal(h.run('awaitJobStable', input))).type).toBe(FailureType.NotStable);
  },
);

test(
  'the stability wait scheduled before a worker outage longer than the timeout (no look yet) counts from its ' +
    'first look: the healthy job is stable, not rolled back',
  async () => {
    const now = Date.now();
    // The workflow set a 300 s deadline and scheduled the wait; the worker was down 310 s before it ran.
    const input = {
      app,
      jobId,
      stability: { windowSeconds: 30, requireCheckpoint: false, timeoutSeconds: 300 },
      deadline: now - 10_000,
    };
    h = activityHarness({ msPerPoll: 5_000, info: { scheduledTimestampMs: now - 310_000 } });
    h.flink.runJob(jobId, { completedCheckpoints: 3 });

    await expect(h.run('awaitJobStable', input)).resolves.toEqual({ completedCheckpoints: 3, restoredFrom: undefined });
    expect(h.heartbeats.length).toBeGreaterThanOrEqual(6); // it watched the 30 s window, 5 s a look
  },
);

test(
  'the rescale waits count observed time only too: ' + 'TaskManagers registering after an outage are waited for',
  async () => {
    const now = Date.now();
    const slots = { app, taskManagers: 2, slots: 4, deadline: now - 10_000 };
    const registerAtLook = (n: number) => {
      Object.assign(h.flink.session, { taskManagers: 1, slots: 2 });
      h.atPoll(n, () => Object.assign(h.flink.session, { taskManagers: 2, slots: 4 }));
    };
    h = activityHarness({ msPerPoll: 1_000, info: { scheduledTimestampMs: now - 310_000 } });
    registerAtLook(3);
    await expect(h.run('awaitTaskManagerSlots', slots)).resolves.toBeUndefined();
    expect(h.heartbeats.at(-1)).toMatchObject({ seen: '1 TaskManager(s), 2 slot(s)', observedAt: expect.any(Number) });
    await h.close();

    // Scheduled just now, its deadline past: one look, then WaitTimedOut (the rescale falls back to an upgrade).
    h = activityHarness({ msPerPoll: 1_000 });
    registerAtLook(3);
    expect(await refusal(h.run('awaitTaskManagerSlots', slots))).toMatchObject({ type: FailureType.WaitTimedOut });
    expect(h.heartbeats).toHaveLength(1);
  },
);

test('a worker shutdown (SIGTERM) during a wait is a retryable failure, not a refusal', async () => {
  h = activityHarness();
  h.flink.runJob(jobId, { completedCheckpoints: 0 });
  const waiting = h.run('awaitJobStable', {
    app,
    jobId,
    stability: { windowSeconds: 3600, requireCheckpoint: false, timeoutSeconds: 7200 },
    deadline: Date.now() + 7_200_000,
  });
  await new Promise((r) => setTimeout(r, 200));
  h.cancel('WORKER_SHUTDOWN');
  const failure = await refusal(waiting);
  expect(failure).toMatchObject({ type: 'WorkerShutdown', nonRetryable: false });
  expect(failure.message).toContain('retried on another worker');
});

test('a record write that would not fit in its ConfigMap fails at once (not retried), naming the size', async () => {
  h = activityHarness();
  await h.run('beginOperation', apply);
  const failure = await refusal(
    h.run('updateRecord', {
      app,
      workflowId: apply.workflowId,
      changes: [{ kind: 'failed', reason: 'x'.repeat(1_100_000) }],
    }),
  );
  expect(failure).toMatchObject({ type: FailureType.RecordTooLarge, nonRetryable: true });
  expect(failure.message).toMatch(/would be \d+ bytes, over the \d+-byte limit of a ConfigMap: nothing was written/);
});
