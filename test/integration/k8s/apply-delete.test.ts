import { createKubeFacade, KubeErrorCode, type KubeFacade } from '../../../src/k8s';
import { adminClients, eventually, testDeployment, testNamespace } from './support';

const clients = adminClients();
const facade: KubeFacade = createKubeFacade(clients);
let ns: Awaited<ReturnType<typeof testNamespace>>;

beforeEach(async () => {
  ns = await testNamespace(clients, 'fd-apply');
});
afterEach(async () => {
  await ns.cleanup();
});

function objects(namespace: string) {
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'demo-config', namespace },
      data: { 'config.yaml': 'parallelism.default: 2\n' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'demo-rest', namespace },
      spec: { selector: { app: 'demo' }, ports: [{ name: 'rest', port: 8081 }] },
    },
    testDeployment(namespace, 'demo-jobmanager'),
  ];
}

test('server-side apply creates, then applying the same objects again changes nothing', async () => {
  const first = await facade.apply(objects(ns.name));
  expect(first.map((a) => [a.ref.kind, a.outcome])).toEqual([
    ['ConfigMap', 'created'],
    ['Service', 'created'],
    ['Deployment', 'created'],
  ]);

  const second = await facade.apply(objects(ns.name));
  expect(second.map((a) => a.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  // ConfigMap and Service are untouched; the Deployment's status is the controller's (its
  // resourceVersion moves with it), but its spec generation stays.
  expect(second.slice(0, 2).map((a) => a.resourceVersion)).toEqual(first.slice(0, 2).map((a) => a.resourceVersion));
  expect(second.map((a) => a.generation)).toEqual(first.map((a) => a.generation));
  expect(second.map((a) => a.ref.uid)).toEqual(first.map((a) => a.ref.uid));

  // The field manager is ours.
  const cm = await clients.core.readNamespacedConfigMap({ name: 'demo-config', namespace: ns.name });
  expect(cm.metadata?.managedFields?.map((f) => [f.manager, f.operation])).toContainEqual(['flink-deploy', 'Apply']);
});

test("a changed object is applied as a change, and forced over another manager's field", async () => {
  await facade.apply(objects(ns.name));
  // Someone else takes ownership of the data key with a plain update.
  const cm = await clients.core.readNamespacedConfigMap({ name: 'demo-config', namespace: ns.name });
  await clients.core.replaceNamespacedConfigMap({
    name: 'demo-config',
    namespace: ns.name,
    body: { ...cm, data: { 'config.yaml': 'edited by hand\n' } },
    fieldManager: 'kubectl-edit',
  });

  const [configMap] = await facade.apply([objects(ns.name)[0]!]);
  expect(configMap?.outcome).toBe('changed');
  const after = await clients.core.readNamespacedConfigMap({ name: 'demo-config', namespace: ns.name });
  expect(after.data).toEqual({ 'config.yaml': 'parallelism.default: 2\n' });

  const status = await facade.readDeploymentStatus({ namespace: ns.name, name: 'demo-jobmanager' });
  expect(status).toMatchObject({ found: true, desiredReplicas: 1, generation: 1 });
});

test('delete ignores 404, and a Foreground delete of a Deployment is followed by its pods going away', async () => {
  expect(
    await facade.delete({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns.name, name: 'never-existed' }),
  ).toMatchObject({ outcome: 'absent' });
  expect(await facade.readDeploymentStatus({ namespace: ns.name, name: 'never-existed' })).toEqual({
    found: false,
    namespace: ns.name,
    name: 'never-existed',
  });

  await facade.apply([testDeployment(ns.name, 'doomed', { replicas: 2 })]);
  const selector = 'app.kubernetes.io/instance=doomed';
  // The controller-manager makes the ReplicaSet and pods (they stay Pending: no node needed here).
  await eventually('two pods', async () => {
    const report = await facade.listAppPods({ namespace: ns.name, labelSelector: selector });
    return report.pods.length === 2 ? report : undefined;
  });
  const report = await facade.listAppPods({ namespace: ns.name, labelSelector: selector });
  expect(report.readyCount).toBe(0);
  for (const pod of report.pods) {
    // Unscheduled (no node agent), or on the node with an image it can't pull (node agent up).
    expect(pod.ready).toBe(false);
    expect(pod.problems.length).toBeGreaterThan(0);
    expect(
      pod.problems.every((p) =>
        ['not-scheduled', 'starting', 'image-pull', 'container-waiting', 'not-ready'].includes(p.kind),
      ),
    ).toBe(true);
  }

  expect(
    await facade.delete({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: ns.name,
      name: 'doomed',
      propagationPolicy: 'Foreground',
    }),
  ).toMatchObject({ outcome: 'deleted' });
  const polls: string[][] = [];
  const gone = await facade.waitForPodsGone({
    namespace: ns.name,
    labelSelector: selector,
    timeoutMs: 60_000,
    onPoll: (r) => polls.push(r),
  });
  expect(gone.gone).toBe(true);
  expect(polls.at(-1)).toEqual([]);
  await eventually('the Deployment gone', async () =>
    (await facade.readDeploymentStatus({ namespace: ns.name, name: 'doomed' })).found ? undefined : true,
  );
  // Deleting again is still fine.
  expect(
    await facade.delete({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns.name, name: 'doomed' }),
  ).toMatchObject({ outcome: 'absent' });
});

test('waitForPodsGone reports the pods still there when it times out', async () => {
  await facade.apply([testDeployment(ns.name, 'stays')]);
  const selector = 'app.kubernetes.io/instance=stays';
  await eventually('a pod', async () =>
    (await facade.listAppPods({ namespace: ns.name, labelSelector: selector })).pods.length === 1 ? true : undefined,
  );
  const result = await facade.waitForPodsGone({
    namespace: ns.name,
    labelSelector: selector,
    timeoutMs: 300,
    pollIntervalMs: 100,
  });
  expect(result.gone).toBe(false);
  expect(result.gone === false && result.remaining).toHaveLength(1);
});

test('an invalid object is a domain error with a stable code', async () => {
  const bad = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'bad', namespace: ns.name },
    spec: { ports: [{ port: 70000 }] },
  };
  await expect(facade.apply([bad])).rejects.toMatchObject({
    code: KubeErrorCode.Invalid,
    kind: 'domain',
    retryable: false,
    status: 422,
  });
});

test('Events recorded on our objects are listed back', async () => {
  const [cm] = await facade.apply([objects(ns.name)[0]!]);
  const recorded = await facade.recordEvent({
    involved: cm!.ref,
    reason: 'UpgradeStarted',
    message: 'upgrade to generation 2',
    type: 'Normal',
  });
  expect(recorded.name).toMatch(/^demo-config\./);
  const events = await clients.core.listNamespacedEvent({
    namespace: ns.name,
    fieldSelector: 'involvedObject.name=demo-config',
  });
  expect(events.items.map((e) => [e.reason, e.message, e.type, e.involvedObject.uid])).toEqual([
    ['UpgradeStarted', 'upgrade to generation 2', 'Normal', cm!.ref.uid],
  ]);
});

test("ready endpoint addresses come from the Service's EndpointSlices", async () => {
  expect(await facade.readyEndpointAddresses({ namespace: ns.name, serviceName: 'demo-rest' })).toEqual([]);
  await clients.discovery.createNamespacedEndpointSlice({
    namespace: ns.name,
    body: {
      metadata: { name: 'demo-rest-abc', labels: { 'kubernetes.io/service-name': 'demo-rest' } },
      addressType: 'IPv4',
      ports: [{ name: 'rest', port: 8081, protocol: 'TCP' }],
      endpoints: [
        // (The API server refuses loopback addresses in EndpointSlices.)
        {
          addresses: ['10.20.0.2'],
          conditions: { ready: true },
          targetRef: { kind: 'Pod', name: 'demo-jobmanager-1' },
        },
        { addresses: ['10.20.0.3'], conditions: { ready: false } },
      ],
    },
  });
  expect(await facade.readyEndpointAddresses({ namespace: ns.name, serviceName: 'demo-rest' })).toEqual([
    { ip: '10.20.0.2', ports: [{ name: 'rest', port: 8081, protocol: 'TCP' }], podName: 'demo-jobmanager-1' },
  ]);
});
