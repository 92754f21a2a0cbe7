/**
 * Issue 10 §2: HA never fights our own restores. Before a new generation is applied, the old
 * generation's pods are gone and its HA ConfigMaps removed; suspend removes them too; stateless
 * applications take none of these steps. In-memory activities on the time-skipping server.
 */
import { type AppSpec } from '../../../src/spec';
import type { OperationResult } from '../../../src/contract/operations';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { counterSpec } from '../../support/counter-spec';

const baseSpec = counterSpec();
const app = { namespace: baseSpec.namespace, name: baseSpec.name };
const withSpec = (patch: (s: AppSpec) => void): AppSpec => {
  const s = structuredClone(baseSpec);
  patch(s);
  return s;
};
const v2 = withSpec((s) => (s.image = 'flink:2.3-v2'));

const kit = workflowRunner('counter-ha');

/** A run's result, or the error it failed with. */
const run = (cluster: InMemoryCluster, workflow: string, input: unknown): Promise<OperationResult | Error> =>
  kit.run(cluster, workflow, input).catch((err: Error) => err);

/** The calls that touch the cluster, in order, as `name[generation(s)]`. */
function clusterCalls(cluster: InMemoryCluster, from = 0): string[] {
  return cluster.calls.slice(from).flatMap((c) => {
    const input = c.input as { generation?: number; generations?: number[] };
    if (c.name === 'applyApplication') return [`apply[${input.generation}]`];
    if (c.name === 'removeHaMetadata') return [`removeHaMetadata[${input.generations?.join(',')}]`];
    if (c.name === 'removeDeployments' || c.name === 'takeSavepoint' || c.name === 'cancelJob') return [c.name];
    return [];
  });
}

test(
  'an upgrade stops the old job, removes its pods and its ' + 'HA ConfigMaps, then applies the new generation',
  async () => {
    const cluster = new InMemoryCluster();
    await run(cluster, 'apply', { spec: baseSpec });
    expect(clusterCalls(cluster)).toEqual(['removeHaMetadata[1]', 'apply[1]']);
    expect([...cluster.haGenerations]).toEqual([1]);

    const mark = cluster.calls.length;
    const result = await run(cluster, 'apply', { spec: v2 });

    expect(result).toMatchObject({ operation: 'upgrade', outcome: 'succeeded' });
    expect(clusterCalls(cluster, mark)).toEqual([
      'takeSavepoint',
      'removeDeployments',
      'removeHaMetadata[1,2]',
      'apply[2]',
    ]);
    expect([...cluster.haGenerations]).toEqual([2]);
  },
);

test('a rollback after a failed upgrade starts its generation clean too', async () => {
  const cluster = new InMemoryCluster();
  await run(cluster, 'apply', { spec: baseSpec });
  cluster.script.failingImages = ['flink:2.3-v2'];
  const mark = cluster.calls.length;

  await run(cluster, 'apply', { spec: v2 });

  expect(clusterCalls(cluster, mark)).toEqual([
    'takeSavepoint',
    'removeDeployments',
    'removeHaMetadata[1,2]',
    'apply[2]',
    'removeDeployments',
    'removeHaMetadata[1,2,3]',
    'apply[3]',
  ]);
  expect([...cluster.haGenerations]).toEqual([3]);
  expect(cluster.record).toMatchObject({ generation: 3, status: 'running' });
});

test('suspend removes the stopped generation HA ConfigMaps; resume starts the next generation clean', async () => {
  const cluster = new InMemoryCluster();
  await run(cluster, 'apply', { spec: baseSpec });
  const mark = cluster.calls.length;

  const suspended = await run(cluster, 'suspend', { app });
  expect(suspended).toMatchObject({ outcome: 'succeeded' });
  expect(clusterCalls(cluster, mark)).toEqual(['takeSavepoint', 'removeDeployments', 'removeHaMetadata[1]']);
  expect([...cluster.haGenerations]).toEqual([]);

  const resumeMark = cluster.calls.length;
  const resumed = await run(cluster, 'resume', { app });
  expect(resumed).toMatchObject({ outcome: 'succeeded', restoredFrom: (suspended as OperationResult).savepoint });
  expect(clusterCalls(cluster, resumeMark)).toEqual(['removeHaMetadata[1,2]', 'apply[2]']);
});

test('a stateless application (no HA) takes none of these steps', async () => {
  const stateless = withSpec((s) => (s.job.upgradeMode = 'stateless'));
  const cluster = new InMemoryCluster();
  await run(cluster, 'apply', { spec: stateless });
  const mark = cluster.calls.length;
  await run(cluster, 'apply', { spec: { ...stateless, image: 'flink:2.3-v2' } });
  expect(clusterCalls(cluster)).toEqual(['apply[1]', 'cancelJob', 'apply[2]']);
  expect(cluster.calls.length).toBeGreaterThan(mark);
});
