/**
 * The workflows with the REAL activities (`createActivities`) on the time-skipping test server,
 * over the in-memory Kubernetes and the mock Flink joined as a simulated cluster: deploy, a
 * savepoint upgrade, a broken new version rolled back from the same savepoint, and retention
 * that never disposes the restore source. Workflows are started by their imported functions.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { type AppSpec } from '../../../src/spec';
import { recordName } from '../../../src/k8s/state-record/types';
import { apply, savepoint } from '../../../src/workflows';
import { FailureType } from '../../../src/contract/failures';
import { SimulatedCluster } from '../../support/simulated-cluster';
import { countActions, SCHEDULE_ACTIONS_PER_RUN } from '../../../scripts/bench/actions';
import { workflowRunner } from '../../support/workflow-env';
import { failureOf } from '../../support/workflow-failure';
import { counterSpec } from '../../support/counter-spec';

const loaded = counterSpec();
/** A 1 s stability window: the only real time a rollout takes here. */
const v1: AppSpec = { ...loaded, stability: { windowSeconds: 1, requireCheckpoint: false, timeoutSeconds: 60 } };
const withImage = (image: string): AppSpec => ({ ...structuredClone(v1), image });
const app = { namespace: v1.namespace, name: v1.name };

const kit = workflowRunner('counter');
let cluster: SimulatedCluster;
beforeEach(() => {
  cluster = new SimulatedCluster({ namespace: app.namespace, app: app.name });
});
afterEach(() => cluster.close());

async function record() {
  return (await cluster.kube.records.readRecord<AppSpec>(app.namespace, app.name))!.record;
}

test('deploy: the objects are applied (owned by the record), the job runs, the record says stable', async () => {
  const result = await kit.run(cluster, apply, { spec: v1 });

  expect(result).toMatchObject({ operation: 'deploy', outcome: 'succeeded' });
  const state = await record();
  expect(state).toMatchObject({ status: 'running', generation: 1, jobId: result.jobId, operation: null });
  expect(state.lastStableSpec?.image).toBe('flink:2.3');
  expect(state.history.map((h) => h.outcome)).toEqual(['succeeded']);
  expect(cluster.flink.job(result.jobId!).state).toBe('RUNNING');
  const recordUid = cluster.kube.get('ConfigMap', app.namespace, recordName(app.name))!.metadata!.uid;
  const deployment = cluster.kube.get<V1Deployment>('Deployment', app.namespace, 'counter-jobmanager')!;
  expect(deployment.metadata?.ownerReferences?.[0]?.uid).toBe(recordUid);
});

test(
  'savepoint upgrade: stop-with-savepoint with the trigger ' + 'id recorded first, the new job restored from it',
  async () => {
    const deployed = await kit.run(cluster, apply, { spec: v1 });
    cluster.flink.savepoints.polls = 2;

    const result = await kit.run(cluster, apply, { spec: withImage('flink:2.3-v2') });

    expect(result).toMatchObject({ operation: 'upgrade', outcome: 'succeeded' });
    const stops = cluster.flink.requests.filter(
      (r) => r.method === 'POST' && r.path === `/jobs/${deployed.jobId}/stop`,
    );
    expect(stops).toHaveLength(1);
    const triggerId = stops[0]!.body?.triggerId as string;
    const state = await record();
    const entry = state.savepoints.find((s) => s.triggerId === triggerId);
    expect(entry).toMatchObject({ kind: 'upgrade', jobId: deployed.jobId, location: result.savepoint });
    expect(result.restoredFrom).toBe(result.savepoint);
    expect(cluster.jobManager()).toEqual({
      image: 'flink:2.3-v2',
      jobId: result.jobId,
      restoredFrom: result.savepoint,
    });
    expect(cluster.flink.job(result.jobId!)).toMatchObject({ state: 'RUNNING', restoredFrom: result.savepoint });
    expect(state).toMatchObject({
      status: 'running',
      generation: 2,
      jobId: result.jobId,
      restoredFrom: result.savepoint,
    });
    expect(state.lastStableSpec?.image).toBe('flink:2.3-v2');
    // The upgrade told on the JobManager Deployment: started, each phase in order, the outcome.
    const told = upgradeEvents();
    expect(told.map((e) => e.reason)).toEqual([
      'OperationStarted',
      'Savepointing',
      'Deploying',
      'WaitingForStable',
      'OperationSucceeded',
    ]);
    expect(told.every((e) => e.involvedObject.name === 'counter-jobmanager' && e.type === 'Normal')).toBe(true);
    expect(told[1]!.message).toMatch(/^Savepointing: /);
  },
);

/** The Events told since the last OperationStarted (the newest operation's), oldest first. */
function upgradeEvents() {
  const oldestFirst = [...cluster.kube.events].reverse();
  const start = oldestFirst.map((e) => e.reason).lastIndexOf('OperationStarted');
  return oldestFirst.slice(start);
}

test('a new version that FAILS is rolled back to the last stable spec from the SAME savepoint', async () => {
  await kit.run(cluster, apply, { spec: v1 });
  cluster.images.set('flink:2.3-broken', {
    kind: 'fails',
    rootCause: 'java.lang.ClassNotFoundException: io.example.Missing',
  });

  const failure = await failureOf(kit.run(cluster, apply, { spec: withImage('flink:2.3-broken') }));

  expect(failure.type).toBe(FailureType.UpgradeRolledBack);
  expect(failure.message).toMatch(/^upgrade failed, rolled back: job \w+ of default\/counter FAILED: .*ClassNotFound/);
  const savepointTaken = (await record()).savepoints.at(-1)!.location;
  const now = cluster.jobManager();
  expect(now).toMatchObject({ image: 'flink:2.3', restoredFrom: savepointTaken });
  expect(cluster.flink.job(now.jobId!).state).toBe('RUNNING');
  const state = await record();
  expect(state).toMatchObject({ status: 'running', generation: 3, jobId: now.jobId, operation: null });
  expect(state.lastAppliedSpec?.image).toBe('flink:2.3');
  expect(state.history.at(-1)).toMatchObject({ outcome: 'rolled-back' });
  // The outcome's Event is a Warning that names the reason.
  const told = upgradeEvents();
  expect(told.map((e) => e.reason)).toContain('RollingBack');
  expect(told.at(-1)).toMatchObject({ reason: 'OperationRolledBack', type: 'Warning' });
  expect(told.at(-1)!.message).toMatch(
    /^upgrade rolled-back: upgrade failed, rolled back: job \w+ .* FAILED: .*ClassNotFound/,
  );
});

test('a new version whose image cannot be pulled is rolled back too', async () => {
  await kit.run(cluster, apply, { spec: v1 });
  cluster.images.set('flink:2.3-typo', { kind: 'image-pull', reason: 'ImagePullBackOff' });

  const failure = await failureOf(kit.run(cluster, apply, { spec: withImage('flink:2.3-typo') }));

  expect(failure.type).toBe(FailureType.UpgradeRolledBack);
  expect(failure.message).toContain('pod counter-jobmanager-0 cannot start: ImagePullBackOff');
  expect(cluster.jobManager().image).toBe('flink:2.3');
});

test(
  'periodic savepoints: retention disposes the oldest but ' + 'never the savepoint the job was restored from',
  async () => {
    await kit.run(cluster, apply, { spec: v1 });
    const upgraded = await kit.run(cluster, apply, { spec: withImage('flink:2.3-v2') });
    const restoreSource = upgraded.restoredFrom!;

    const taken: string[] = [];
    const actions: number[] = [];
    for (let i = 0; i < 3; i++) {
      const workflowId = kit.nextWorkflowId();
      const result = await kit.run(cluster, savepoint, { app, kind: 'periodic', retention: { keep: 1 } }, workflowId);
      expect(result.outcome).toBe('succeeded');
      taken.push(result.savepoint!);
      actions.push((await countActions(kit.env.client, workflowId)).total);
    }
    // Issue 14 asks at most 6 Temporal actions per periodic savepoint, the Schedule's own two included
    // (start, lock, trigger+poll with the phase write, end): 6; the two runs that dispose one do it in
    // the activity that writes the end (endAndDispose), so 6 too.
    expect(actions.map((n) => n + SCHEDULE_ACTIONS_PER_RUN)).toEqual([6, 6, 6]);
    // The phase was still recorded before the trigger: each run ended in it.
    expect((await record()).history.slice(-3).map((h) => [h.type, h.lastPhase])).toEqual(
      Array(3).fill(['savepoint', 'Savepointing']),
    );

    expect(cluster.flink.disposed).not.toContain(restoreSource);
    expect(cluster.flink.disposed).toEqual(taken.slice(0, 2));
    const savepoints = (await record()).savepoints;
    expect(savepoints.find((s) => s.location === restoreSource)).toMatchObject({ disposed: false });
    expect(savepoints.filter((s) => !s.disposed).map((s) => s.location)).toEqual([restoreSource, taken[2]]);
  },
);
