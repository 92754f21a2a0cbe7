/**
 * Session jobs (src/workflows/session-job.ts) over the in-memory activities on the time-skipping server:
 * deploy (the jar staged, the Service applied, the job submitted with the recorded id), a savepoint
 * upgrade (staged before the old job stops, resubmitted from THAT savepoint), a jar that cannot be had
 * refused with the old job untouched, a broken version rolled back from the same savepoint, and a
 * session job over an application's record refused.
 */
import { loadAppSpec, parseAppSpec, type AppSpec } from '../../../src/spec';
import { FailureType } from '../../../src/contract/failures';
import { InMemoryCluster, type Script } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { failureOf } from '../../support/workflow-failure';
import { eventually as pollEventually } from '../../support/eventually';

function jobSpec(jar: string, parallelism = 1): AppSpec {
  const parsed = parseAppSpec(`apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: orders}
spec:
  deploymentName: shared
  job: {jarURI: "${jar}", parallelism: ${parallelism}, upgradeMode: savepoint}
`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}
const v1 = jobSpec('https://repo.example.com/orders-1.0.jar');
const v2 = jobSpec('https://repo.example.com/orders-2.0.jar');

const kit = workflowRunner('session-job');

const names = (cluster: InMemoryCluster) =>
  cluster.calls
    .map((c) => c.name)
    .filter((n) => !['updateRecord', 'beginOperation', 'applyApplication:landed', 'endAndDispose'].includes(n));
const inputOf = (cluster: InMemoryCluster, name: string) => cluster.calls.filter((c) => c.name === name).at(-1)?.input;

async function deployed(script: Script = {}): Promise<InMemoryCluster> {
  const cluster = new InMemoryCluster();
  cluster.script = script;
  const result = await kit.run(cluster, 'apply', { spec: v1 });
  expect(result).toMatchObject({ operation: 'deploy', outcome: 'succeeded' });
  expect(names(cluster)).toEqual(['stageSessionJob', 'applyApplication', 'submitSessionJob', 'awaitJobStable']);
  const jobId = cluster.record?.jobId;
  expect(inputOf(cluster, 'submitSessionJob')).toMatchObject({ jobId, generation: 1 });
  expect(inputOf(cluster, 'submitSessionJob')).not.toHaveProperty('restore');
  expect(inputOf(cluster, 'applyApplication')).not.toHaveProperty('jobId');
  expect(cluster.record?.status).toBe('running');
  cluster.calls.length = 0;
  return cluster;
}

test('started by hand with a value the job reads and Flink cannot: InvalidSpec naming it, nothing asked', async () => {
  const cluster = new InMemoryCluster();
  const spec = structuredClone(v1);
  (spec.manifest as { spec: object }).spec = {
    ...(spec.manifest as { spec: object }).spec,
    flinkConfiguration: { 'pipeline.object-reuse': 'yes' },
  };
  spec.flinkConfiguration = { 'pipeline.object-reuse': 'yes' };
  const failure = await failureOf(kit.run(cluster, 'apply', { spec }));
  expect(failure.type).toBe('InvalidSpec');
  expect(failure.message).toContain(
    'spec.flinkConfiguration["pipeline.object-reuse"]: pipeline.object-reuse is "yes": Flink reads true or false',
  );
  expect(cluster.calls).toEqual([]);
});

test('deploy, then a savepoint upgrade: staged while the old job runs, resubmitted from THAT savepoint', async () => {
  const cluster = await deployed();
  const oldJob = cluster.record?.jobId;
  const result = await kit.run(cluster, 'apply', { spec: v2 });
  expect(result).toMatchObject({ operation: 'upgrade', outcome: 'succeeded' });
  expect(names(cluster)).toEqual([
    'preflightApplication',
    'stageSessionJob',
    'takeSavepoint',
    'applyApplication',
    'submitSessionJob',
    'awaitJobStable',
  ]);
  expect(inputOf(cluster, 'takeSavepoint')).toMatchObject({ jobId: oldJob, stop: true });
  const savepoint = cluster.record?.savepoints.find((s) => s.kind === 'upgrade');
  expect(savepoint?.jobId).toBe(oldJob);
  expect(inputOf(cluster, 'submitSessionJob')).toMatchObject({
    generation: 2,
    jobId: cluster.record?.jobId,
    restore: { path: savepoint?.location },
  });
  expect(cluster.record?.jobId).not.toBe(oldJob);
});

test('a jar that cannot be had: refused before the old job is touched (InvalidSpec), the job runs on', async () => {
  const cluster = await deployed({ stageRefusedJars: [v2.job.jarURI] });
  const before = cluster.record?.jobId;
  const failure = await failureOf(kit.run(cluster, 'apply', { spec: v2 }));
  expect(failure.type).toBe(FailureType.InvalidSpec);
  expect(failure.message).toContain('orders-2.0.jar: the server answered 404');
  expect(names(cluster)).toEqual(['preflightApplication', 'stageSessionJob']);
  expect(cluster.record).toMatchObject({ status: 'running', jobId: before, operation: null });
  expect(cluster.jobs.find((j) => j.jobId === before)?.state).toBe('RUNNING');
});

test('a new version that fails: rolled back to the last stable version from the same savepoint', async () => {
  const cluster = await deployed({ failingImages: [v2.job.jarURI] });
  const failure = await failureOf(kit.run(cluster, 'apply', { spec: v2 }));
  expect(failure.type).toBe(FailureType.UpgradeRolledBack);
  const submits = cluster.calls.filter((c) => c.name === 'submitSessionJob').map((c) => c.input as never);
  expect(submits).toHaveLength(2);
  const [broken, back] = submits as { spec: AppSpec; restore?: { path: string } }[];
  expect(broken?.spec.job.jarURI).toBe(v2.job.jarURI);
  expect(back?.spec.job.jarURI).toBe(v1.job.jarURI);
  expect(back?.restore?.path).toBe(broken?.restore?.path);
  expect(cluster.record?.status).toBe('running');
  expect(cluster.record?.lastStableSpec?.job.jarURI).toBe(v1.job.jarURI);
});

test('a new version running but not stable: cancelled before the last stable one is submitted beside it', async () => {
  // On a session cluster nothing else stops it (the fault matrix's upgrade-session-job/WaitingForStable/cancel saw
  // two RUNNING jobs of one application).
  const cluster = await deployed({ unstableImages: [v2.job.jarURI] });
  const failure = await failureOf(kit.run(cluster, 'apply', { spec: v2 }));
  expect(failure.type).toBe(FailureType.UpgradeRolledBack);
  const cancelled = cluster.calls.findIndex((c) => c.name === 'cancelJob');
  const resubmitted = cluster.calls.map((c) => c.name).lastIndexOf('submitSessionJob');
  expect(cancelled).toBeGreaterThan(-1);
  expect(cancelled).toBeLessThan(resubmitted);
  expect(cluster.runningJobs().map((j) => j.image)).toEqual([v1.job.jarURI]);
});

test('cancelled while it records WaitingForStable, its job submitted: cancelled before the rollback', async () => {
  // The fault matrix's upgrade-session-job/WaitingForStable/cancel again: the cancel came while the phase was being
  // recorded, before the stability wait, and the new version ran beside the last stable one.
  const cluster = await deployed();
  const activities = cluster.activities();
  const record = activities.updateRecord;
  const submitted = () => cluster.calls.filter((c) => c.name === 'submitSessionJob').length;
  activities.updateRecord = async (input) => {
    const waiting = input.changes?.some((c) => c.kind === 'phase' && c.phase === 'WaitingForStable');
    if (waiting && submitted() === 1) await new Promise((r) => setTimeout(r, 1500));
    return record(input);
  };
  const failure = await kit.withWorker(activities, async (taskQueue) => {
    const handle = await kit.env.client.workflow.start('apply', {
      taskQueue,
      workflowId: kit.nextWorkflowId(),
      args: [{ spec: v2 }],
    });
    await pollEventually('the new version submitted', () => (submitted() === 1 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 10,
    });
    await handle.cancel();
    return failureOf(handle.result());
  });

  expect(failure.type).toBe(FailureType.UpgradeRolledBack);
  const called = cluster.calls.map((c) => c.name);
  // The new version never waited: the only stability wait is the rollback's, after its submit.
  expect(called.indexOf('awaitJobStable')).toBeGreaterThan(called.lastIndexOf('submitSessionJob'));
  const cancelled = called.indexOf('cancelJob');
  expect(cancelled).toBeGreaterThan(-1);
  expect(cancelled).toBeLessThan(called.lastIndexOf('submitSessionJob'));
  expect(cluster.runningJobs().map((j) => j.image)).toEqual([v1.job.jarURI]);
});

test('a session job over an application of the same name: refused, nothing changed', async () => {
  const cluster = new InMemoryCluster();
  const application = loadAppSpec(`apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: orders}
spec:
  image: flink:2.3
  flinkVersion: v2_2
  flinkConfiguration: {execution.checkpointing.savepoint-dir: "file:///tmp/sp"}
  job: {jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 1, upgradeMode: savepoint}
`);
  expect(await kit.run(cluster, 'apply', { spec: application })).toMatchObject({ outcome: 'succeeded' });
  cluster.calls.length = 0;
  const failure = await failureOf(kit.run(cluster, 'apply', { spec: v1 }));
  expect(failure.type).toBe(FailureType.InvalidSpec);
  expect(failure.message).toContain('default/orders is a FlinkDeployment; this manifest makes it a FlinkSessionJob');
  expect(names(cluster)).toEqual([]);
});
