import { createKubeFacade, emptyRecord, ownerReferenceOf, type KubeFacade } from '../../../src/k8s';
import { adminClients, eventually, testDeployment, testNamespace } from './support';

const clients = adminClients();
const facade: KubeFacade = createKubeFacade(clients);
let ns: Awaited<ReturnType<typeof testNamespace>>;

beforeEach(async () => {
  ns = await testNamespace(clients, 'fd-owner');
});
afterEach(async () => {
  await ns.cleanup();
});

test('deleting the record makes the garbage collector delete the objects that point to it', async () => {
  const record = await facade.records.createRecord(ns.name, emptyRecord(ns.name, 'orders'));
  const owner = ownerReferenceOf(record);
  expect(owner).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', name: 'orders-deploy-state', uid: record.uid });

  await facade.apply([
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'orders-config', namespace: ns.name, ownerReferences: [owner] },
      data: { 'config.yaml': '' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'orders-rest', namespace: ns.name, ownerReferences: [owner] },
      spec: { selector: { app: 'orders' }, ports: [{ port: 8081 }] },
    },
    testDeployment(ns.name, 'orders-jobmanager', { ownerReferences: [owner] }),
  ]);
  // A bystander without the owner reference stays.
  await facade.apply([
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bystander', namespace: ns.name }, data: {} },
  ]);

  await facade.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns.name, name: 'orders-deploy-state' });

  await eventually('the Deployment, Service and ConfigMap collected', async () => {
    const [deployment, service, config] = await Promise.all([
      facade.readDeploymentStatus({ namespace: ns.name, name: 'orders-jobmanager' }),
      clients.core.listNamespacedService({ namespace: ns.name }),
      clients.core.listNamespacedConfigMap({ namespace: ns.name }),
    ]);
    const names = config.items.map((c) => c.metadata?.name);
    return !deployment.found && service.items.length === 0 && !names.includes('orders-config') ? names : undefined;
  });
  const left = await clients.core.listNamespacedConfigMap({ namespace: ns.name });
  expect(left.items.map((c) => c.metadata?.name)).toContain('bystander');
  await eventually('the pods collected', async () =>
    (
      await facade.waitForPodsGone({
        namespace: ns.name,
        labelSelector: 'app.kubernetes.io/instance=orders-jobmanager',
        timeoutMs: 0,
      })
    ).gone
      ? true
      : undefined,
  );
});
