/**
 * TaskManagers on demand (issue 16), the activities' part, over the in-memory Kubernetes and the mock Flink in
 * Temporal's MockActivityEnvironment: a session job's submission raises its cluster's TaskManagers to its jobs'
 * slots (another job's raise meanwhile is read again, never lowered); a stopped job's slots are released and the
 * idle TaskManagers removed (each pod's deletion cost written first; a TaskManager holding tasks stays); a cluster
 * with taskManager.replicas is never scaled. The real servers' run of it: test/long/session-rollout.test.ts.
 */
import type { V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import { activityConfigOf, createActivities } from '../../../src/activities';
import type { ActivityDeps } from '../../../src/activities/deps';
import { deletionCostKey } from '../../../src/activities/idle-task-managers';
import { growTaskManagers } from '../../../src/activities/task-managers';
import { loadSettings } from '../../../src/config/settings';
import { AnnotationKey, Component, renderSessionJobService, selectorLabels } from '../../../src/k8s/render';
import { emptyRecord } from '../../../src/k8s/state-record/types';
import { parseAppSpec, type AppSpec } from '../../../src/spec';
import { InMemoryKube } from '../../support/in-memory-kube';
import { MockFlink } from '../../support/mock-flink';
import { quietLogger } from '../../support/quiet-logger';

const namespace = 'elastic';
const env = new MockActivityEnvironment(undefined, { logger: quietLogger });

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
  /** The cluster's TaskManager pods `tm-<i>` and Flink's TaskManagers on their IPs, the i-th holding `used[i]`. */
  const taskManagers = (used: number[]) => {
    for (let i = 0; i < 10; i++) kube.remove('Pod', namespace, `tm-${i}`);
    used.forEach((_, i) =>
      kube.putPod({
        metadata: { name: `tm-${i}`, namespace, labels: selectorLabels('shared', Component.TaskManager) },
        status: { phase: 'Running', podIP: `10.0.0.${i + 1}` },
      }),
    );
    flink.session.registered = used.map((n, i) => ({ address: `10.0.0.${i + 1}`, slots: 1, used: n }));
  };
  /** Each TaskManager pod's deletion cost, by name. */
  const costs = () =>
    Object.fromEntries(
      [0, 1, 2, 3, 4, 5].flatMap((i) => {
        const pod = kube.get<V1Pod>('Pod', namespace, `tm-${i}`);
        return pod ? [[`tm-${i}`, pod.metadata?.annotations?.[deletionCostKey]]] : [];
      }),
    );
  return { kube, flink, replicas, asks, grow, stop, taskManagers, costs };
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

test('a stopped job: its slots released; the idle TaskManagers removed, never one holding tasks', async () => {
  const h = await harness(clusterSpec(''));
  await h.asks('orders', 4);
  await h.asks('payments', 2);
  await h.grow();
  expect(h.replicas().replicas).toBe(6);
  h.flink.runJob('a'.repeat(32));
  h.flink.runJob('b'.repeat(32));

  // orders stopped while payments runs on TaskManagers 1 and 4: the four idle ones go, each pod's deletion cost
  // written first (the slots its TaskManager holds: the ReplicaSet controller removes the lowest first).
  h.flink.job('a'.repeat(32)).state = 'SUSPENDED';
  h.taskManagers([0, 1, 0, 0, 1, 0]);
  await h.stop('orders');
  expect(h.kube.get('Service', namespace, 'orders-rest')?.metadata?.annotations?.[AnnotationKey.Slots]).toBe('0');
  expect(h.replicas().replicas).toBe(2);
  expect(h.costs()).toEqual({ 'tm-0': '0', 'tm-1': '1', 'tm-2': '0', 'tm-3': '0', 'tm-4': '1', 'tm-5': '0' });

  // payments asks 1 slot now, but its tasks are on both TaskManagers (restarting, say): neither goes.
  h.taskManagers([1, 1]);
  await h.kube.annotateService({ namespace, name: 'payments-rest', annotations: { [AnnotationKey.Slots]: '1' } });
  await h.stop('orders');
  expect(h.replicas().replicas).toBe(2);

  // A TaskManager that takes a task while the costs are written (a job submitted meanwhile) is not removed: the
  // slots are read again after, and the count stays until the next stop.
  h.taskManagers([0, 1]);
  h.kube.before('annotatePod', () => {
    h.flink.session.registered[0]!.used = 1;
  });
  await h.stop('orders');
  expect(h.replicas().replicas).toBe(2);

  // payments cancelled too, then stopped: nothing runs, the cluster is back to its one TaskManager.
  h.flink.job('b'.repeat(32)).state = 'CANCELED';
  h.taskManagers([0, 0]);
  await h.stop('payments');
  expect(h.replicas().replicas).toBe(1);

  // A job that asks while the count is lowered (after that read the demand, before it wrote the count) finds the
  // count high enough and writes nothing: the lowering reads the demand again and raises the count back for it.
  await h.asks('orders-2', 4);
  await h.grow();
  expect(h.replicas().replicas).toBe(4);
  h.taskManagers([0, 0, 0, 0]);
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
