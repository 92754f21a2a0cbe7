/**
 * Issue 11 item 6 in the workflows (in-memory activities, time-skipping server): a refusal in
 * the pre-flight ends the upgrade before the old job is stopped; a refusal after it (the apply
 * of the new version) rolls back from the same savepoint, never leaving a record that names a
 * job whose objects never applied. The real API server's refusals: test/integration/k8s/preflight.test.ts.
 */
import { type AppSpec } from '../../../src/spec';
import { FailureType } from '../../../src/contract/failures';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { failureOf } from '../../support/workflow-failure';
import { counterSpec } from '../../support/counter-spec';

const baseSpec = counterSpec();
const v2: AppSpec = { ...structuredClone(baseSpec), image: 'flink:2.3-v2' };

const kit = workflowRunner('preflight');

async function deployed(): Promise<InMemoryCluster> {
  const cluster = new InMemoryCluster();
  await kit.run(cluster, 'apply', { spec: baseSpec });
  expect(cluster.runningJobs()).toHaveLength(1);
  return cluster;
}

test('refused in the pre-flight: the upgrade fails with the reason before anything is torn down', async () => {
  const cluster = await deployed();
  const before = structuredClone(cluster.record!);
  cluster.script.refusedImages = ['flink:2.3-v2'];

  const failure = await failureOf(kit.run(cluster, 'apply', { spec: v2 }));

  expect(failure.type).toBe(FailureType.KubernetesRefused);
  expect(failure.message).toContain('image flink:2.3-v2 refused');
  const names = cluster.calls.map((c) => c.name);
  expect(names.filter((n) => n === 'preflightApplication')).toHaveLength(2); // the deploy's, the upgrade's
  expect(names.slice(names.lastIndexOf('preflightApplication'))).not.toContain('takeSavepoint');
  expect(cluster.runningJobs().map((j) => j.jobId)).toEqual([before.jobId]);
  expect(cluster.record).toMatchObject({
    status: 'running',
    jobId: before.jobId,
    generation: before.generation,
    operation: null,
  });
  expect(cluster.record?.lastAppliedSpec?.image).toBe('flink:2.3');
});

test('refused after the pre-flight (the apply, the old job stopped): rolled back from the same savepoint', async () => {
  const cluster = await deployed();
  cluster.script.applyRefusedImages = ['flink:2.3-v2'];

  const failure = await failureOf(kit.run(cluster, 'apply', { spec: v2 }));

  expect(failure.type).toBe(FailureType.UpgradeRolledBack);
  expect(failure.message).toContain('image flink:2.3-v2 refused');
  const applies = cluster.calls
    .filter((c) => c.name === 'applyApplication')
    .map((c) => c.input as { spec: AppSpec; jobId: string; restore?: { path: string } });
  expect(applies.map((a) => a.spec.image)).toEqual(['flink:2.3', 'flink:2.3-v2', 'flink:2.3']);
  expect(applies[2]!.restore?.path).toBe(applies[1]!.restore?.path);
  const running = cluster.runningJobs();
  expect(running.map((j) => j.image)).toEqual(['flink:2.3']);
  // The record names the job that runs, not the one whose objects never applied.
  expect(cluster.record).toMatchObject({ status: 'running', jobId: running[0]!.jobId, operation: null });
  expect(cluster.record?.history.at(-1)).toMatchObject({ outcome: 'rolled-back' });
});
