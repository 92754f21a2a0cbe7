/**
 * Session clusters (src/workflows/session-cluster.ts) over the in-memory activities on the
 * time-skipping server: deploy (objects applied, no job, the cluster waited for), suspend, resume,
 * delete; an upgrade, suspend or delete refused while jobs run on it (SessionClusterBusy, the jobs
 * named, nothing changed), allowed with none; an application over a session cluster's record refused.
 */
import { loadAppSpec } from '../../../src/spec';
import { FailureType } from '../../../src/contract/failures';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { sessionClusterSpec } from '../../support/session-cluster-spec';
import { workflowRunner } from '../../support/workflow-env';
import { failureOf } from '../../support/workflow-failure';
import { counterManifest } from '../../support/counter-spec';

const sessionSpec = (replicas: number) => sessionClusterSpec({ replicas });
const v1 = sessionSpec(1);
const v2 = sessionSpec(2);
const app = { namespace: 'default', name: 'shared' };
const running = [{ jobId: 'c'.repeat(32), name: 'orders', state: 'RUNNING' }];

const kit = workflowRunner('session');

const names = (cluster: InMemoryCluster) =>
  cluster.calls
    .map((c) => c.name)
    .filter((n) => n !== 'updateRecord' && n !== 'beginOperation' && n !== 'applyApplication:landed');

async function deployed(): Promise<InMemoryCluster> {
  const cluster = new InMemoryCluster();
  const result = await kit.run(cluster, 'apply', { spec: v1 });
  expect(result).toMatchObject({ operation: 'deploy', outcome: 'succeeded' });
  expect(result.message).toContain('session cluster default/shared is ready (generation 1, 1 TaskManager(s), 2 slots)');
  expect(names(cluster)).toEqual(['applyApplication', 'awaitClusterReady']);
  expect(cluster.calls.find((c) => c.name === 'applyApplication')?.input).not.toHaveProperty('jobId');
  expect(cluster.calls.find((c) => c.name === 'awaitClusterReady')?.input).toMatchObject({
    app,
    taskManagers: 1,
    slots: 2,
  });
  expect(cluster.calls.find((c) => c.name === 'awaitClusterReady')?.input).not.toHaveProperty('generation');
  expect(cluster.record).toMatchObject({ status: 'running', generation: 1, jobId: null, operation: null });
  expect(cluster.record?.lastStableSpec?.sessionCluster).toBe(true);
  expect(cluster.runningJobs()).toEqual([]);
  cluster.calls = [];
  return cluster;
}

test('deploy, the same spec again (nothing), upgrade with no job on it (redeployed as generation 2)', async () => {
  const cluster = await deployed();
  expect(await kit.run(cluster, 'apply', { spec: v1 })).toMatchObject({ outcome: 'no-change' });
  // The record says running: the cluster is verified ready, not trusted (patch session-cluster-verifies-ready), its
  // recorded generation's objects applied again first (session-cluster-reapplies-recorded: unchanged where they stand).
  expect(names(cluster)).toEqual(['applyApplication', 'awaitClusterReady']);
  expect(cluster.calls.find((c) => c.name === 'applyApplication')?.input).toMatchObject({ generation: 1 });

  const upgraded = await kit.run(cluster, 'apply', { spec: v2 });
  expect(upgraded).toMatchObject({ operation: 'upgrade', outcome: 'succeeded' });
  expect(names(cluster).slice(2)).toEqual([
    'sessionClusterJobs',
    'removeDeployments',
    'applyApplication',
    'awaitClusterReady',
  ]);
  expect(cluster.record).toMatchObject({ status: 'running', generation: 2, jobId: null });
  expect(cluster.record?.lastStableSpec?.taskManager.replicas).toBe(2);
});

test.each([
  ['upgrade', 'apply', { spec: v2 }],
  ['suspend', 'suspend', { app }],
  ['delete', 'delete', { app }],
])('%s while a job runs on it: refused naming the job, nothing changed', async (action, workflow, input) => {
  const cluster = await deployed();
  cluster.script.sessionJobs = running;
  const before = structuredClone(cluster.record);

  const failure = await failureOf(kit.run(cluster, workflow, input));

  expect(failure.type).toBe(FailureType.SessionClusterBusy);
  expect(failure.message).toContain(`the ${action} of session cluster default/shared is refused: 1 job runs on it`);
  expect(failure.message).toContain(`orders (job ${'c'.repeat(32)}, RUNNING)`);
  expect(names(cluster)).toEqual(['sessionClusterJobs']);
  expect(cluster.record).toMatchObject({
    status: 'running',
    generation: 1,
    lastAppliedSpec: before!.lastAppliedSpec,
    operation: null,
  });
  expect(cluster.clusters.size).toBe(1);
});

test('suspend with no job: Deployments removed, record suspended; resume: generation 2 ready', async () => {
  const cluster = await deployed();
  const suspended = await kit.run(cluster, 'suspend', { app });
  expect(suspended).toMatchObject({ operation: 'suspend', outcome: 'succeeded' });
  expect(names(cluster)).toEqual(['sessionClusterJobs', 'removeDeployments']);
  expect(cluster.record).toMatchObject({ status: 'suspended', generation: 1 });
  expect(cluster.clusters.size).toBe(0);

  // Applied while suspended: recorded only.
  cluster.calls = [];
  expect(await kit.run(cluster, 'apply', { spec: v2 })).toMatchObject({ outcome: 'no-change' });
  expect(names(cluster)).toEqual([]);

  const resumed = await kit.run(cluster, 'resume', { app });
  expect(resumed).toMatchObject({ operation: 'resume', outcome: 'succeeded' });
  expect(names(cluster)).toEqual(['applyApplication', 'awaitClusterReady']);
  expect(cluster.record).toMatchObject({ status: 'running', generation: 2 });
  expect(cluster.record?.lastStableSpec?.taskManager.replicas).toBe(2);
});

test('delete with no job: no savepoint, the Deployments, the objects, then the record', async () => {
  const cluster = await deployed();
  expect(await kit.run(cluster, 'delete', { app })).toMatchObject({ operation: 'delete', outcome: 'succeeded' });
  expect(names(cluster)).toEqual([
    'sessionClusterJobs',
    'removeDeployments',
    'removeApplicationObjects',
    'deleteRecord',
  ]);
  expect(cluster.record).toBeUndefined();
});

test('an application applied over the session cluster: refused (InvalidSpec), nothing changed', async () => {
  const cluster = await deployed();
  const text = counterManifest;
  const application = loadAppSpec(text.replace('name: counter', 'name: shared'));
  const failure = await failureOf(kit.run(cluster, 'apply', { spec: application }));
  expect(failure.type).toBe(FailureType.InvalidSpec);
  expect(failure.message).toContain('is deployed as a session cluster');
  expect(names(cluster)).toEqual([]);
  expect(cluster.record?.lastAppliedSpec?.sessionCluster).toBe(true);
});

test('a rollout terminated while its cluster started: apply or resume again verify it ready, record it', async () => {
  // The record of a resume terminated in StartingCluster (the fault matrix's resume-session-cluster/StartingCluster/
  // terminate): running as generation 2, never recorded ready.
  const cluster = await deployed();
  cluster.clusters.set(2, cluster.clusters.get(1)!);
  cluster.clusters.delete(1);
  cluster.record = { ...cluster.record!, generation: 2, lastStableSpec: null };
  cluster.calls = [];

  const resumed = await kit.run(cluster, 'resume', { app });

  expect(resumed).toMatchObject({ operation: 'resume', outcome: 'no-change' });
  expect(resumed.message).toContain('verified ready');
  expect(names(cluster)).toEqual(['applyApplication', 'awaitClusterReady']);
  expect(cluster.record).toMatchObject({ status: 'running', generation: 2, operation: null });
  expect(cluster.record?.lastStableSpec).toBeTruthy();

  cluster.record = { ...cluster.record!, lastStableSpec: null };
  const applied = await kit.run(cluster, 'apply', { spec: v1 });
  expect(applied.message).toContain('verified ready');
  expect(cluster.record?.lastStableSpec).toBeTruthy();
});

test.each([
  ['a first deploy', 'apply', { spec: v1 }, 1],
  ['a resume', 'resume', { app }, 2],
])(
  '%s terminated before its objects were applied: run again, they are applied and the cluster recorded ready',
  async (_what, workflow, input, generation) => {
    // The record of a rollout terminated in Deploying (the fault matrix's deploy-session-cluster/Deploying/terminate):
    // running as `generation`, never ready, and no cluster of that generation (its objects never applied).
    const cluster = await deployed();
    cluster.clusters.clear();
    cluster.record = { ...cluster.record!, generation, lastStableSpec: null };

    const result = await kit.run(cluster, workflow, input);

    expect(result.message).toContain('verified ready');
    expect(names(cluster)).toEqual(['applyApplication', 'awaitClusterReady']);
    expect(cluster.calls.find((c) => c.name === 'applyApplication')?.input).toMatchObject({ generation, spec: v1 });
    expect([...cluster.clusters.keys()]).toEqual([generation]);
    expect(cluster.record).toMatchObject({ status: 'running', generation, operation: null });
    expect(cluster.record?.lastStableSpec).toBeTruthy();
  },
);
