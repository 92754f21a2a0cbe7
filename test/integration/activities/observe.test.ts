/**
 * Issue 10 §3: the observer's real activity over the in-memory Kubernetes and the mock Flink,
 * in Temporal's MockActivityEnvironment: one sweep judges each application, tells a change as an
 * Event (once), writes the record's `observed` field outside the lock, leaves a locked
 * application alone, and returns a restart only when the spec asks for one.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { JobStateValue, observerActivities, type ObserverMetrics } from '../../../src/activities/observe';
import type { ObserveStep } from '../../../src/activities/observe-types';
import { emptyRecord } from '../../../src/k8s/state-record/types';
import type { AppSpec } from '../../../src/spec/types';
import { InMemoryKube } from '../../support/in-memory-kube';
import { MockFlink } from '../../support/mock-flink';
import { baseManifest, specOf } from '../../unit/spec/manifest-fixtures';
import { quietLogger } from '../../support/quiet-logger';

const namespace = 'streaming';
const spec = specOf(baseManifest());

function harness() {
  const kube = new InMemoryKube(() => new Date());
  const flink = new MockFlink();
  const gauges: Array<{ app: string; jobState: number; restarts: number }> = [];
  const savepointAges: Array<number | undefined> = [];
  const metrics: ObserverMetrics = {
    application: (app, v) => {
      gauges.push({ app: app.name, jobState: v.jobState, restarts: v.restarts });
      savepointAges.push(v.savepointAgeSeconds);
    },
    sweep: () => undefined,
  };
  const activities = observerActivities({
    kube,
    flinkFor: () => Promise.resolve(flink.client()),
    metrics,
    namespaces: [namespace],
  });
  const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
  const sweepOnce = () =>
    env.run(activities.observeApplications, { intervalMs: 1000, runForMs: 0 }) as Promise<ObserveStep>;
  async function deployed(app: string, jobId: string, over: Partial<AppSpec> = {}, locked = false) {
    await kube.records.createRecord(namespace, {
      ...emptyRecord<AppSpec>(namespace, app),
      generation: 1,
      jobId,
      status: 'running',
      lastAppliedSpec: { ...spec, name: app, ...over },
      operation: locked
        ? {
            workflowId: `flink-deploy/${namespace}/${app}`,
            runId: 'r',
            type: 'upgrade',
            phase: 'Deploying',
            startedAt: '',
          }
        : null,
    });
  }
  const observed = async (app: string) => (await kube.records.readRecord(namespace, app))?.record.observed;
  const reasons = () => kube.events.map((e) => `${e.involvedObject.name} ${e.reason}`);
  return { kube, flink, gauges, savepointAges, sweepOnce, deployed, observed, reasons, close: () => flink.close() };
}

test('a FAILED job: JobFailed told once, observed failed outside the lock, alert by default', async () => {
  const h = harness();
  await h.deployed('orders', 'a1');
  h.flink.runJob('a1', { latestCheckpoint: 'file:/cp/a1/chk-4', completedCheckpoints: 4 });
  expect(await h.sweepOnce()).toEqual({ sweeps: 1, restarts: [] });
  expect(await h.observed('orders')).toMatchObject({ health: 'healthy', jobId: 'a1', jobState: 'RUNNING' });
  expect(h.reasons()).toEqual([]); // healthy from the start: nothing to tell

  h.flink.failJob('a1');
  expect(await h.sweepOnce()).toEqual({ sweeps: 1, restarts: [] });
  const failed = await h.observed('orders');
  expect(failed).toMatchObject({
    health: 'failed',
    jobState: 'FAILED',
    lastCheckpoint: { location: 'file:/cp/a1/chk-4' },
  });
  expect(h.reasons()).toEqual(['orders-jobmanager JobFailed']);
  expect(h.gauges.at(-1)).toEqual({ app: 'orders', jobState: 3, restarts: 1 });

  await h.sweepOnce();
  expect(h.reasons()).toEqual(['orders-jobmanager JobFailed']); // only on change
  expect((await h.observed('orders'))?.since).toBe(failed?.since);
  await h.close();
});

test(
  'onJobFailure: restart returns a restart from the latest ' + 'checkpoint; a locked application is left alone',
  async () => {
    const h = harness();
    await h.deployed('orders', 'b1', { onJobFailure: { action: 'restart', maxRestartsPerHour: 3 } });
    await h.deployed('busy', 'c1', {}, true);
    h.flink.runJob('b1', { latestCheckpoint: 'file:/cp/b1/chk-9', completedCheckpoints: 9 });
    h.flink.runJob('c1');
    h.flink.failJob('b1');
    h.flink.failJob('c1');
    const restart = {
      app: { namespace, name: 'orders' },
      failedJobId: 'b1',
      checkpoint: 'file:/cp/b1/chk-9',
      reason: 'job b1 FAILED; spec.flinkDeploy.onJobFailure: restart',
    };
    const step = await h.sweepOnce();
    expect(step.restarts).toEqual([restart]);
    expect(await h.observed('busy')).toBeUndefined();
    expect(h.reasons()).toEqual(['orders-jobmanager JobFailed']);
    // The job is still FAILED at the next sweep (no restart ran): asked again, so a restart lost after the
    // failure was recorded is not lost for good (the observer's start is one operation per application id,
    // and maxRestartsPerHour counts the restarts that ran); the Event is not told again.
    expect((await h.sweepOnce()).restarts).toEqual([restart]);
    expect(h.reasons()).toEqual(['orders-jobmanager JobFailed']);
    await h.close();
  },
);

test("a blue-green application's Events name its live generation's JobManager Deployment", async () => {
  const h = harness();
  await h.deployed('payments', 'b2', { upgradeStrategy: 'blue-green' });
  h.flink.runJob('b2');
  h.flink.failJob('b2');

  await h.sweepOnce();

  expect(h.reasons()).toEqual(['payments-g1-jobmanager JobFailed']);
  await h.close();
});

test('an unreachable JobManager, then its recovery, are each told once', async () => {
  const h = harness();
  await h.deployed('orders', 'd1');
  h.flink.runJob('d1', { latestCheckpoint: 'file:/cp/d1/chk-1', completedCheckpoints: 1 });
  h.flink.inject(/\/jobs\/d1$/, 'unreachable', { times: 1 });
  await h.sweepOnce();
  expect(await h.observed('orders')).toMatchObject({ health: 'jobmanager-unreachable' });
  // Unreachable is gauge value 4: never negative, which the Temporal runtime's gauges refuse.
  expect(h.gauges.at(-1)?.jobState).toBe(JobStateValue.UNREACHABLE);
  expect(JobStateValue.UNREACHABLE).toBe(4);
  await h.sweepOnce();
  expect(await h.observed('orders')).toMatchObject({ health: 'healthy' });
  expect(h.reasons()).toEqual(['orders-jobmanager Recovered', 'orders-jobmanager JobManagerUnreachable']);
  await h.close();
});

test("the savepoint-age gauge is the newest savepoint flink-deploy took, never a registered one's", async () => {
  const h = harness();
  const entry = (location: string, kind: 'manual' | 'registered', minutesAgo: number) => ({
    location,
    kind,
    time: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    triggerId: null,
    jobId: null,
    disposed: false,
  });
  await h.kube.records.createRecord(namespace, {
    ...emptyRecord<AppSpec>(namespace, 'orders'),
    generation: 1,
    jobId: 'd1',
    status: 'running',
    lastAppliedSpec: { ...spec, name: 'orders' },
    // Registered last, its _metadata written a minute ago: still the manual one of an hour ago counts.
    savepoints: [entry('file:/sp/savepoint-1', 'manual', 60), entry('s3://b/theirs', 'registered', 1)],
  });
  h.flink.runJob('d1');
  await h.sweepOnce();
  expect(h.savepointAges.at(-1)).toBeGreaterThanOrEqual(3590);
  expect(h.savepointAges.at(-1)).toBeLessThan(3700);
  await h.close();
});
