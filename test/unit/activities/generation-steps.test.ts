/**
 * startGeneration and submitToGeneration (patch blue-green-folded-steps), the real activities over
 * the in-memory Kubernetes and the mock Flink's session side: the record is written before the
 * first side effect, a generation number's leftovers go before its objects are applied (not again
 * on a retry after the apply), the wait is bounded, the submit is recorded first and never made
 * twice, and `<app>-rest` selects the generation only once its job was submitted.
 */
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { UpgradeStrategy, type AppSpec } from '../../../src/spec';
import { blueGreenJarId } from '../../../src/spec/blue-green';
import { FailureType } from '../../../src/contract/failures';
import type { StartGenerationInput, SubmitToGenerationInput } from '../../../src/activities/types';
import { KEEP_ALIVE_MS } from '../../../src/activities/keep-alive';
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';
import { counterSpec } from '../../support/counter-spec';
import { slowRecordWrites } from '../../support/slow-records';

const counter = counterSpec();
const spec: AppSpec = { ...counter, upgradeStrategy: UpgradeStrategy.BlueGreen };
const app = { namespace: spec.namespace, name: spec.name };
const workflowId = 'wf-upgrade';
const jobId = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const jarId = blueGreenJarId(spec.job.jarURI);

let h: ActivityHarness;
afterEach(() => h.close());

async function locked(options: Parameters<typeof activityHarness>[0] = {}): Promise<ActivityHarness> {
  const harness = activityHarness(options);
  await harness.run('beginOperation', { app, workflowId, runId: 'r1', operation: 'apply' });
  return harness;
}

async function recordNow() {
  return (await h.kube.records.readRecord<AppSpec>(app.namespace, app.name))!.record;
}

const start = (over: Partial<StartGenerationInput> = {}): StartGenerationInput => ({
  spec,
  generation: 2,
  jobId,
  ready: { taskManagers: 1, slots: 2, jarId, deadline: Date.now() + 60_000 },
  recordFirst: { workflowId, changes: [{ kind: 'phase', phase: 'StartingCluster', details: 'starting g2' }] },
  ...over,
});

const jobManagerG2 = () => h.kube.get<V1Deployment>('Deployment', app.namespace, 'counter-g2-jobmanager');

test('startGeneration: phase recorded first, leftovers of the generation replaced, then ready', async () => {
  h = await locked();
  await h.run('applyApplication', { spec, generation: 2, jobId: 'ffff'.repeat(8) }); // a rolled-back upgrade's
  const leftover = jobManagerG2()!.metadata!.uid;
  const phaseAtFirstDelete: (string | undefined)[] = [];
  h.kube.before('delete', () => void recordNow().then((r) => phaseAtFirstDelete.push(r.operation?.phase)));
  h.flink.session.jars = [jarId];

  const ready = await h.run('startGeneration', start());

  expect(ready).toEqual({ taskManagers: 1, slots: 2 });
  expect(phaseAtFirstDelete[0]).toBe('StartingCluster');
  expect(jobManagerG2()!.metadata!.uid).not.toBe(leftover);
  // The removal's wait for pods, then the resume point; ready at the first look (no wait heartbeat).
  expect(h.heartbeats).toEqual([expect.objectContaining({ remaining: [] }), { applied: true }]);
});

test('startGeneration retried after its apply (said by the heartbeat): nothing deleted, waits again', async () => {
  h = await locked({ info: { heartbeatDetails: { applied: true, last: '0 of 1 TaskManagers registered' } } });
  await h.run('applyApplication', { spec, generation: 2, jobId });
  const applied = jobManagerG2()!.metadata!.uid;
  let deletes = 0;
  h.kube.before('delete', () => deletes++);
  h.flink.session.jars = [jarId];

  await h.run('startGeneration', start());

  expect(deletes).toBe(0);
  expect(jobManagerG2()!.metadata!.uid).toBe(applied);
});

test('startGeneration: not ready by the deadline: DeploymentUnhealthy, saying what it lacks', async () => {
  h = await locked();
  h.flink.session.taskManagers = 0;
  h.flink.session.slots = 0;

  const failed = h.run('startGeneration', start({ ready: { taskManagers: 1, slots: 2, jarId, deadline: 0 } }));

  await expect(failed).rejects.toMatchObject({
    type: FailureType.DeploymentUnhealthy,
    message: expect.stringMatching(/0 of 1 TaskManagers registered, 0 of 2 slots, jar \S+ not in the web upload/),
  });
  expect(h.heartbeats.slice(-2)).toEqual([
    { applied: true },
    {
      applied: true,
      last: expect.stringContaining('0 of 1'),
      observedAt: expect.any(Number),
      deadline: expect.any(Number),
    },
  ]);
});

/** The cluster lacks its TaskManager until the n-th heartbeat (the n-th look, counting the apply's). */
function readyAtPoll(n: number) {
  h.flink.session.jars = [jarId];
  h.flink.session.taskManagers = 0;
  h.flink.session.slots = 0;
  h.atPoll(n, () => Object.assign(h.flink.session, { taskManagers: 1, slots: 2 }));
}

const looks = () => h.heartbeats.filter((b) => typeof (b as { last?: unknown }).last === 'string').length;

test(
  'startGeneration scheduled before a worker outage longer than the timeout: the deadline counts observed ' +
    'time only, so it waits for the cluster (the matrix cell upgrade-blue-green/StartingCluster/worker-down-long)',
  async () => {
    // The workflow set a 300 s deadline and scheduled the step; the worker was down 310 s before it ran.
    const now = Date.now();
    h = await locked({ msPerPoll: 1_000, info: { scheduledTimestampMs: now - 310_000 } });
    readyAtPoll(5);

    const ready = await h.run(
      'startGeneration',
      start({ ready: { taskManagers: 1, slots: 2, jarId, deadline: now - 10_000 } }),
    );

    expect(ready).toEqual({ taskManagers: 1, slots: 2 });
    expect(looks()).toBeGreaterThanOrEqual(2);
    // Each look carries the moved deadline (~290 s from the first look), for a retry to resume from.
    const moved = (h.heartbeats.at(-1) as { deadline: number }).deadline;
    expect(moved).toBeGreaterThan(now + 280_000);
    expect(moved).toBeLessThanOrEqual(now + 310_000); // the removal and apply before the first look count too
  },
);

test(
  'startGeneration scheduled just now with its deadline past: not ready at the first look, ' + 'DeploymentUnhealthy',
  async () => {
    h = await locked({ msPerPoll: 1_000 });
    readyAtPoll(5);

    const failed = h.run(
      'startGeneration',
      start({ ready: { taskManagers: 1, slots: 2, jarId, deadline: Date.now() - 1 } }),
    );

    await expect(failed).rejects.toMatchObject({ type: FailureType.DeploymentUnhealthy });
    expect(looks()).toBe(1);
  },
);

test(
  'an outage moves the deadline by at most an hour: ' + 'a wait scheduled 3 h ago with a 5 min timeout fails',
  async () => {
    const now = Date.now();
    h = await locked({ msPerPoll: 1_000, info: { scheduledTimestampMs: now - 3 * 3_600_000 } });
    readyAtPoll(5);

    const deadline = now - 3 * 3_600_000 + 300_000;
    const failed = h.run('startGeneration', start({ ready: { taskManagers: 1, slots: 2, jarId, deadline } }));

    await expect(failed).rejects.toMatchObject({ type: FailureType.DeploymentUnhealthy });
    expect(looks()).toBe(1);
    expect(h.heartbeats.at(-1)).toMatchObject({ deadline: deadline + 3_600_000 });
  },
);

test('a retry resumes the deadline its last look carried, moved by the time since that look', async () => {
  const now = Date.now();
  const lastLook = { applied: true, last: '0 of 1 TaskManagers registered', observedAt: now - 400_000 };
  // The look 400 s ago had 100 s left; the worker then died. Nothing the deadline counts happened since.
  h = await locked({ msPerPoll: 1_000, info: { heartbeatDetails: { ...lastLook, deadline: now - 300_000 } } });
  readyAtPoll(3);
  await h.run('applyApplication', { spec, generation: 2, jobId });

  await expect(h.run('startGeneration', start())).resolves.toEqual({ taskManagers: 1, slots: 2 });
  expect((h.heartbeats.at(-1) as { deadline: number }).deadline).toBeGreaterThan(now + 90_000);
  await h.close();

  // The same look 5 s ago (no outage): its deadline holds, and it is past.
  h = await locked({
    msPerPoll: 1_000,
    info: { heartbeatDetails: { ...lastLook, observedAt: now - 5_000, deadline: now - 300_000 } },
  });
  readyAtPoll(3);
  await expect(h.run('startGeneration', start())).rejects.toMatchObject({ type: FailureType.DeploymentUnhealthy });
});

test('startGeneration without the lock: LockLost, nothing deleted or applied', async () => {
  h = await locked();

  const failed = h.run('startGeneration', start({ recordFirst: { workflowId: 'another-run', changes: [] } }));

  await expect(failed).rejects.toMatchObject({ type: FailureType.LockLost });
  expect(jobManagerG2()).toBeUndefined();
});

test('startGeneration: a record write slower than a keep-alive beat (5 s) beats while it runs', async () => {
  h = await locked();
  h.flink.session.jars = [jarId];
  // The phase's write answers in 5.5 s (an API server behind slow admission webhooks): under a 20 s heartbeat
  // timeout, a few such calls without a beat timed the attempt out.
  slowRecordWrites(h.kube.records, KEEP_ALIVE_MS + 500);

  await expect(h.run('startGeneration', start())).resolves.toEqual({ taskManagers: 1, slots: 2 });

  expect(h.heartbeats[0]).toBe(`recording phase for ${app.namespace}/${app.name}`);
  expect(h.heartbeats.at(-1)).toEqual({ applied: true });
}, 20_000);

const submit = (over: Partial<SubmitToGenerationInput> = {}): SubmitToGenerationInput => ({
  app,
  generation: 2,
  spec,
  jobId,
  restore: { path: 'file:///sp/savepoint-1', allowNonRestoredState: false },
  recordFirst: {
    workflowId,
    changes: [
      { kind: 'deploying', generation: 2, jobId, spec, restoredFrom: 'file:///sp/savepoint-1' },
      { kind: 'phase', phase: 'Submitting', details: 'submitting' },
    ],
  },
  recordWhenLive: { workflowId, changes: [{ kind: 'phase', phase: 'WaitingForStable', details: 'waiting' }] },
  ...over,
});

const liveSelector = () =>
  h.kube.get<V1Service>('Service', app.namespace, 'counter-rest')?.spec?.selector?.['flink-deploy.io/generation'];

test('submitToGeneration: recorded before the submit; a failed submit leaves <app>-rest where it was', async () => {
  h = await locked();
  h.flink.session.jars = [jarId];
  h.flink.inject(/\/jars\/.*\/run$/, 'unreachable', { times: 5 });

  await expect(h.run('submitToGeneration', submit())).rejects.toThrow();

  expect(await recordNow()).toMatchObject({ generation: 2, jobId, restoredFrom: 'file:///sp/savepoint-1' });
  expect((await recordNow()).operation?.phase).toBe('Submitting');
  expect(h.flink.jobs.has(jobId)).toBe(false);
  expect(liveSelector()).toBeUndefined();
});

test('submitToGeneration retried after its submit landed: one job, from the savepoint, live, recorded', async () => {
  h = await locked();
  h.flink.session.jars = [jarId];
  const entry = { location: 'file:///sp/savepoint-1', kind: 'upgrade' as const, time: new Date().toISOString() };
  const saved = { ...entry, triggerId: 'f'.repeat(32), jobId: 'e'.repeat(32), disposed: false };
  await h.run('updateRecord', { app, workflowId, changes: [{ kind: 'savepoint-completed', entry: saved }] });

  const first = await h.run('submitToGeneration', submit());
  const again = await h.run('submitToGeneration', submit());

  expect([first, again]).toEqual([
    { jobId, submitted: true },
    { jobId, submitted: false },
  ]);
  expect(h.flink.count('POST', /\/jars\/.*\/run$/)).toBe(1);
  expect(h.flink.job(jobId)).toMatchObject({ state: 'RUNNING', restoredFrom: 'file:///sp/savepoint-1' });
  expect(liveSelector()).toBe('2');
  const record = await recordNow();
  expect(record.operation?.phase).toBe('WaitingForStable');
  // The retried write names the job once among those restored from the savepoint.
  expect(record.savepoints.map((s) => s.restoredBy)).toEqual([[jobId]]);
});
