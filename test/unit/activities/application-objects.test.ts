/**
 * applyApplication, removeDeployments and removeApplicationObjects, the real activities over the in-memory Kubernetes:
 * the objects are owned by the record, applying again changes nothing, deletes wait for the
 * pods (bounded), and API refusals are classified.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { FailureType } from '../../../src/contract/failures';
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';
import { podOf } from '../../support/kube-objects';
import { sessionClusterSpec } from '../../support/session-cluster-spec';
import { counterSpec } from '../../support/counter-spec';

const spec = counterSpec();
const app = { namespace: spec.namespace, name: spec.name };
const jobId = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const input = { spec, generation: 1, jobId, restore: { path: 'file:///sp/savepoint-1', allowNonRestoredState: false } };

let h: ActivityHarness;
afterEach(() => h.close());

test('the five objects are applied, owned by the record; applying the same again changes nothing', async () => {
  h = activityHarness();
  await h.run('beginOperation', { app, workflowId: 'wf', runId: 'r', operation: 'deploy' });
  const recordUid = h.kube.get('ConfigMap', app.namespace, 'counter-deploy-state')!.metadata!.uid;

  await h.run('applyApplication', input);

  const jobManager = h.kube.get<V1Deployment>('Deployment', app.namespace, 'counter-jobmanager')!;
  expect(jobManager.metadata?.ownerReferences).toEqual([expect.objectContaining({ uid: recordUid })]);
  expect(jobManager.spec?.template.spec?.containers[0]?.args).toEqual(
    expect.arrayContaining(['--job-id', jobId, '--fromSavepoint', 'file:///sp/savepoint-1']),
  );
  const versions = () =>
    [
      'ConfigMap/counter-config',
      'Service/counter',
      'Service/counter-rest',
      'Deployment/counter-jobmanager',
      'Deployment/counter-taskmanager',
    ]
      .map((ref) => ref.split('/') as [string, string])
      .map(([kind, name]) => h.kube.get(kind, app.namespace, name)?.metadata?.resourceVersion);
  const first = versions();
  expect(first.every(Boolean)).toBe(true);

  await h.run('applyApplication', input);
  expect(versions()).toEqual(first);

  await h.run('applyApplication', { ...input, generation: 2, jobId: 'ffff2c3d4e5f60718293a4b5c6d7e8f9' });
  const changed = h.kube.get<V1Deployment>('Deployment', app.namespace, 'counter-jobmanager')!;
  expect(changed.metadata?.generation).toBe(2);
});

test('a session cluster with TaskManagers on demand, applied again, keeps the count its jobs grew it to', async () => {
  h = activityHarness();
  const cluster = sessionClusterSpec();
  expect(cluster.taskManager.onDemand).toBe(true);
  const at = { spec: cluster, generation: 1 };
  const where = { namespace: cluster.namespace, name: 'shared-taskmanager' };
  const taskManager = () => h.kube.get<V1Deployment>('Deployment', where.namespace, where.name)!;
  await h.run('applyApplication', at);
  const least = taskManager().spec!.replicas!;
  // Its jobs asked for more slots: the count raised between applies (growTaskManagers' compare-and-swap).
  await h.kube.scaleDeployment({ ...where, replicas: least + 2, from: least });
  const version = taskManager().metadata?.resourceVersion;

  await h.run('applyApplication', at);

  expect(taskManager().spec?.replicas).toBe(least + 2);
  expect(taskManager().metadata?.resourceVersion).toBe(version);
});

test('a 422 from the API server is KubernetesRefused (not retried); a 503 is retryable as is', async () => {
  h = activityHarness();
  h.kube.inject('apply', 'invalid');
  await expect(h.run('applyApplication', input)).rejects.toMatchObject({
    type: FailureType.KubernetesRefused,
    nonRetryable: true,
  });
  h.kube.inject('apply', 'server-error');
  await expect(h.run('applyApplication', input)).rejects.toMatchObject({ code: 'K8S_SERVER_ERROR', retryable: true });
});

test('removeDeployments deletes both Deployments and waits until their pods are gone', async () => {
  h = activityHarness();
  await h.run('applyApplication', input);
  for (const component of ['jobmanager', 'taskmanager']) {
    const owner = h.kube.get('Deployment', app.namespace, `counter-${component}`)!.metadata!.uid;
    h.kube.putPod(podOf({ app: app.name, component, name: `counter-${component}-0`, ownerUid: owner }));
  }

  await h.run('removeDeployments', { app });

  expect(h.kube.list('Deployment', app.namespace)).toEqual([]);
  expect(h.kube.list('Pod', app.namespace)).toEqual([]);
  expect(h.kube.get('Service', app.namespace, 'counter-rest')).toBeDefined();
  await expect(h.run('removeDeployments', { app })).resolves.toBeUndefined(); // already gone: a retry is fine
});

test('pods that do not go: removeDeployments fails after its 120 s bound, naming them', async () => {
  h = activityHarness({ msPerPoll: 10_000 });
  h.kube.putPod(podOf({ app: app.name, component: 'taskmanager', name: 'counter-taskmanager-stuck' }));

  await expect(h.run('removeDeployments', { app })).rejects.toThrow(
    'pods of default/counter still there after 120s: counter-taskmanager-stuck',
  );
  expect(h.elapsedMs()).toBeGreaterThanOrEqual(120_000);
});

test('removeApplicationObjects deletes the ConfigMap, the Services and its cluster id HA ConfigMaps', async () => {
  h = activityHarness();
  await h.run('applyApplication', input);
  const ha = (clusterId: string, name: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: app.namespace,
      labels: { app: clusterId, type: 'flink-native-kubernetes' },
    },
    data: {},
  });
  await h.kube.apply([
    ha('counter-g2', 'counter-g2-cluster-config-map'),
    ha('counter-g2', 'counter-g2-0a1b-config-map'),
    ha('counter-g1', 'counter-g1-cluster-config-map'),
  ]);

  const removed = await h.run('removeApplicationObjects', { app, clusterId: 'counter-g2' });

  expect(removed).toEqual({
    removed: ['ConfigMap/counter-config', 'Service/counter', 'Service/counter-rest'],
    haClusterId: 'counter-g2',
  });
  const configMaps = h.kube.list('ConfigMap', app.namespace).map((c) => c.metadata?.name);
  expect(configMaps).toEqual(['counter-g1-cluster-config-map']);
  expect(h.kube.list('Service', app.namespace)).toEqual([]);
  // A retry after everything is gone succeeds and removes nothing more.
  await expect(h.run('removeApplicationObjects', { app, clusterId: 'counter-g2' })).resolves.toEqual({
    removed: [],
    haClusterId: 'counter-g2',
  });
});
