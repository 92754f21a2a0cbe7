/**
 * TaskManagers on demand (issue 16), the activities' part, over the in-memory Kubernetes and the mock Flink in
 * Temporal's MockActivityEnvironment: a session job's submission raises its cluster's TaskManagers to its jobs'
 * slots (another job's raise meanwhile is read again, never lowered); a stopped job's slots are released and the
 * idle TaskManagers removed only when no job runs on the cluster; a cluster with taskManager.replicas is never
 * scaled. The real servers' run of it: test/long/session-rollout.test.ts.
 */
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import { activityConfigOf, createActivities } from '../../../src/activities';
import type { ActivityDeps } from '../../../src/activities/deps';
import { growTaskManagers } from '../../../src/activities/task-managers';
import { loadSettings } from '../../../src/config/settings';
import { AnnotationKey, renderSessionJobService } from '../../../src/k8s/render';
import { emptyRecord } from '../../../src/k8s/state-record/types';
import { parseAppSpec, type AppSpec } from '../../../src/spec';
import { InMemoryKube } from '../../support/in-memory-kube';
import { MockFlink } from '../../support/mock-flink';

const namespace = 'elastic';
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const env = new MockActivityEnvironment(undefined, { logger: quiet });

function parsed(yaml: string): AppSpec {
  const result = parseAppSpec(yaml, { sessionJarSchemes: ['https'] });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

const clusterSpec = (taskManager: string, flinkConfiguration = '{}') =>
  parsed(`apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: shared, namespace: ${namespace}}
spec:
  image: flink:2.3
  flinkVersion: v2_3
  flinkConfiguration: ${flinkConfiguration}
  taskManager: {${taskManager}}
`);

const jobSpec = (name: string, parallelism: number) =>
  parsed(`apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  deploymentName: shared
  job: {jarURI: "https://repo.example.com/${name}.jar", parallelism: ${parallelism}, upgradeMode: stateless}
`);

async function harness(cluster: AppSpec) {
  const kube = new InMemoryKube();
  const flink = new MockFlink();
  const deps: ActivityDeps = {
    kube,
    flinkFor: () => Promise.resolve(flink.client()),
    config: activityConfigOf(loadSettings({}, {})),
  };
  await kube.records.createRecord(namespace, {
    ...emptyRecord<AppSpec>(namespace, 'shared'),
    status: 'running',
    lastAppliedSpec: cluster,
  });
  await kube.apply([
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shared-taskmanager', namespace },
      spec: { replicas: cluster.taskManager.replicas },
    },
  ]);
  const replicas = () => kube.get<V1Deployment>('Deployment', namespace, 'shared-taskmanager')!.spec!;
  /** A session job whose Service is applied and asks its slots (what its submission writes before it runs). */
  const asks = async (name: string, parallelism: number) => {
    const spec = jobSpec(name, parallelism);
    await kube.records.createRecord(namespace, {
      ...emptyRecord<AppSpec>(namespace, name),
      status: 'running',
      lastAppliedSpec: spec,
    });
    await kube.apply([renderSessionJobService({ spec, generation: 1 })]);
    await kube.annotateService({
      namespace,
      name: `${name}-rest`,
      annotations: { [AnnotationKey.Slots]: String(parallelism) },
    });
  };
  const grow = () => env.run(() => growTaskManagers(deps, { namespace, name: 'shared' }));
  const stop = (name: string) => env.run(createActivities(deps).removeDeployments, { app: { namespace, name } });
  return { kube, flink, replicas, asks, grow, stop };
}

test("the Apache example's jobs, 4 + 2 slots of 1: 6 TaskManagers; another writer's raise read again", async () => {
  const h = await harness(clusterSpec(''));
  await h.asks('orders', 4);
  // Between this grow's read and its write, the other job asked its slots and raised the count (to 3).
  h.kube.before('scaleDeployment', () => {
    h.kube.edit<V1Deployment>('Deployment', namespace, 'shared-taskmanager', (d) => {
      d.spec!.replicas = 3;
    });
  });
  await h.asks('payments', 2);
  await h.grow();
  expect(h.replicas().replicas).toBe(6);
  expect(h.kube.calls.filter((c) => c.startsWith('scaleDeployment'))).toHaveLength(2);

  // Less demand never lowers the count on a submission.
  await h.kube.annotateService({ namespace, name: 'orders-rest', annotations: { [AnnotationKey.Slots]: '1' } });
  await h.grow();
  expect(h.replicas().replicas).toBe(6);
});

test('a stopped job: its slots released; TaskManagers removed only once no job runs, to the demand left', async () => {
  const h = await harness(clusterSpec(''));
  await h.asks('orders', 4);
  await h.asks('payments', 2);
  await h.grow();
  h.flink.runJob('a'.repeat(32));
  h.flink.runJob('b'.repeat(32));

  // orders stopped (its job suspended): payments still runs, so no TaskManager is removed under it.
  h.flink.job('a'.repeat(32)).state = 'SUSPENDED';
  await h.stop('orders');
  expect(h.kube.get('Service', namespace, 'orders-rest')?.metadata?.annotations?.[AnnotationKey.Slots]).toBe('0');
  expect(h.replicas().replicas).toBe(6);

  // payments cancelled too, then stopped: nothing runs, the cluster is back to its one TaskManager.
  h.flink.job('b'.repeat(32)).state = 'CANCELED';
  await h.stop('payments');
  expect(h.replicas().replicas).toBe(1);

  // A job that asks while the count is lowered (after that read the demand, before it wrote the count) finds the
  // count high enough and writes nothing: the lowering reads the demand again and raises the count back for it.
  await h.asks('orders-2', 4);
  await h.grow();
  expect(h.replicas().replicas).toBe(4);
  h.flink.runJob('c'.repeat(32), { state: 'CANCELED' });
  await h.kube.annotateService({ namespace, name: 'orders-2-rest', annotations: { [AnnotationKey.Slots]: '0' } });
  h.kube.before('scaleDeployment', () =>
    h.kube.edit<V1Service>('Service', namespace, 'payments-rest', (s) => {
      s.metadata!.annotations = { ...s.metadata?.annotations, [AnnotationKey.Slots]: '3' };
    }),
  );
  await h.stop('orders-2');
  expect(h.replicas().replicas).toBe(3);

  // A job asking again grows it again.
  await h.kube.annotateService({ namespace, name: 'payments-rest', annotations: { [AnnotationKey.Slots]: '0' } });
  await h.stop('payments');
  await h.asks('payments-2', 2);
  await h.grow();
  expect(h.replicas().replicas).toBe(2);
});

test('bounded by slotmanager.number-of-slots.max; a cluster with taskManager.replicas is never scaled', async () => {
  const bounded = await harness(
    clusterSpec('', '{taskmanager.numberOfTaskSlots: "2", slotmanager.number-of-slots.max: "6"}'),
  );
  await bounded.asks('orders', 20);
  await bounded.grow();
  expect(bounded.replicas().replicas).toBe(3);

  const fixed = await harness(clusterSpec('replicas: 1'));
  await fixed.asks('orders', 4);
  await fixed.grow();
  expect(fixed.replicas().replicas).toBe(1);
  await fixed.stop('orders');
  expect(fixed.kube.calls.filter((c) => c.startsWith('scaleDeployment'))).toEqual([]);
});
