/**
 * A ServiceAccount bound (in one namespace) to the Role of deploy/rbac.yaml, and nothing else,
 * can do everything the facade does, and is refused Secrets.
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createKubeClients, createKubeFacade, KubeErrorCode, type KubeClients } from '../../../src/k8s';
import { classifyKubeError } from '../../../src/k8s/errors/classify';
import { withPhase } from '../../../src/k8s/state-record/lock';
import { stack } from '../../support/stack';
import { adminClients, eventually, testDeployment, testNamespace } from './support';

const admin = adminClients();
let ns: Awaited<ReturnType<typeof testNamespace>>;

function minimalRole(): k8s.V1Role {
  const docs = parseAllDocuments(readFileSync(path.join(stack.root, 'deploy', 'rbac.yaml'), 'utf8')).map(
    (d) => d.toJS() as { kind: string },
  );
  const role = docs.find((d) => d.kind === 'Role');
  if (!role) throw new Error('deploy/rbac.yaml has no Role');
  return role as k8s.V1Role;
}

/** A kubeconfig with the admin's server and CA and the ServiceAccount's bearer token. */
async function serviceAccountClients(namespace: string): Promise<KubeClients> {
  await admin.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'flink-deploy' } } });
  const rbac = admin.kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({ namespace, body: minimalRole() });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'flink-deploy' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'flink-deploy' },
      subjects: [{ kind: 'ServiceAccount', name: 'flink-deploy', namespace }],
    },
  });
  const tokenRequest = await admin.core.createNamespacedServiceAccountToken({
    namespace,
    name: 'flink-deploy',
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const token = tokenRequest.status?.token;
  if (!token) throw new Error('TokenRequest returned no token');
  const cluster = admin.kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('admin kubeconfig has no cluster');
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: 'stack', server: cluster.server, caData: cluster.caData, caFile: cluster.caFile, skipTLSVerify: false },
    ],
    users: [{ name: 'flink-deploy', token }],
    contexts: [{ name: 'flink-deploy', cluster: 'stack', user: 'flink-deploy', namespace }],
    currentContext: 'flink-deploy',
  });
  const clients = createKubeClients(kc);
  const facade = createKubeFacade(clients);
  // The RBAC authorizer sees the new binding within moments.
  await eventually('the RoleBinding to take effect', async () => {
    try {
      return (await facade.records.readRecord(namespace, 'probe')) ?? true;
    } catch (err) {
      if ((err as { code?: string }).code === KubeErrorCode.Forbidden) return undefined;
      throw err;
    }
  });
  return clients;
}

beforeAll(async () => {
  ns = await testNamespace(admin, 'fd-rbac');
});
afterAll(async () => {
  await ns.cleanup();
});

test('the minimal Role is enough for every facade operation, and Secrets are refused', async () => {
  const saClients = await serviceAccountClients(ns.name);
  const facade = createKubeFacade(saClients);
  const namespace = ns.name;

  // The record and the lock.
  const locked = await facade.records.acquireLock({
    namespace,
    app: 'orders',
    workflowId: 'wf',
    runId: 'r1',
    operation: 'deploy',
  });
  await facade.records.mutateRecord({
    namespace,
    app: 'orders',
    mutate: (r) => withPhase(r, { namespace, app: 'orders', workflowId: 'wf', phase: 'applying' }),
  });
  const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'orders-deploy-state', uid: locked.uid };

  // Apply (create, then unchanged), status, pods, events, endpoints.
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'orders-config', namespace, ownerReferences: [owner] },
      data: { 'config.yaml': '' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'orders-rest', namespace, ownerReferences: [owner] },
      spec: { selector: { 'app.kubernetes.io/instance': 'orders-jobmanager' }, ports: [{ name: 'rest', port: 8081 }] },
    },
    testDeployment(namespace, 'orders-jobmanager', { ownerReferences: [owner] }),
  ];
  // The pre-flight: a dry run of every object (nothing stored) and the ServiceAccount check.
  await facade.dryRunApply(objects);
  expect(await facade.serviceAccountExists({ namespace, name: 'no-such-account' })).toBe(false);
  expect((await facade.apply(objects)).map((a) => a.outcome)).toEqual(['created', 'created', 'created']);
  expect((await facade.apply(objects)).map((a) => a.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  expect(await facade.readDeploymentStatus({ namespace, name: 'orders-jobmanager' })).toMatchObject({ found: true });
  const selector = 'app.kubernetes.io/instance=orders-jobmanager';
  const pod = await eventually(
    'a pod',
    async () => (await facade.listAppPods({ namespace, labelSelector: selector })).pods[0],
  );
  expect(await facade.readyEndpointAddresses({ namespace, serviceName: 'orders-rest' })).toEqual([]);
  // A session job's Service names its jar (a merge patch); an apply keeps that (another field manager's);
  // the Services are listed to find the jars a session cluster's jobs use.
  const jar = { 'flink-deploy.io/jar': '0123456789abcdef-a.jar' };
  await facade.annotateService({ namespace, name: 'orders-rest', annotations: jar });
  expect((await facade.apply(objects)).map((a) => a.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  const services = await facade.listServices({ namespace, labelSelector: '' });
  expect(services.map((s) => [s.metadata?.name, s.metadata?.annotations])).toEqual([['orders-rest', jar]]);
  // TaskManagers on demand: a count compared and set (a JSON patch), and a stale one refused (a read).
  await facade.scaleDeployment({ namespace, name: 'orders-jobmanager', replicas: 2, from: 1 });
  await expect(
    facade.scaleDeployment({ namespace, name: 'orders-jobmanager', replicas: 3, from: 1 }),
  ).rejects.toMatchObject({ code: 'K8S_CONFLICT' });
  // ...and before it lowers the count, the deletion cost of its pods (a merge patch). The pod listed while the
  // count was 1 is annotated before the count goes down, as the product does: after, it may be the one removed.
  const cost = { 'controller.kubernetes.io/pod-deletion-cost': '0' };
  await facade.annotatePod({ namespace, name: pod.name, annotations: cost });
  await facade.scaleDeployment({ namespace, name: 'orders-jobmanager', replicas: 1, from: 2 });
  await facade.recordEvent({
    involved: { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'orders-deploy-state', uid: locked.uid },
    reason: 'DeployStarted',
    message: 'generation 1',
  });

  // Delete, wait for pods, release, delete the record.
  expect(
    await facade.delete({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace,
      name: 'orders-jobmanager',
      propagationPolicy: 'Foreground',
    }),
  ).toMatchObject({ outcome: 'deleted' });
  expect(await facade.waitForPodsGone({ namespace, labelSelector: selector, timeoutMs: 60_000 })).toMatchObject({
    gone: true,
  });
  expect(await facade.delete({ apiVersion: 'v1', kind: 'Service', namespace, name: 'orders-rest' })).toMatchObject({
    outcome: 'deleted',
  });
  // Flink's HA ConfigMaps of a past generation, by their labels; the others stay.
  const haLabels = { app: 'orders-g1', type: 'flink-native-kubernetes' };
  for (const [name, labels] of [
    ['orders-g1-cluster-config-map', haLabels],
    ['orders-g2-cluster-config-map', { ...haLabels, app: 'orders-g2' }],
  ] as const) {
    await admin.core.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels } } });
  }
  await facade.deleteConfigMaps({ namespace, labelSelector: 'app=orders-g1,type=flink-native-kubernetes' });
  const left = await admin.core.listNamespacedConfigMap({
    namespace,
    labelSelector: 'type=flink-native-kubernetes',
  });
  expect(left.items.map((c) => c.metadata?.name)).toEqual(['orders-g2-cluster-config-map']);
  await facade.records.releaseLock({ namespace, app: 'orders', workflowId: 'wf', outcome: 'succeeded' });
  expect(
    await facade.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'orders-deploy-state' }),
  ).toMatchObject({ outcome: 'deleted' });

  // No Secrets: a domain error, code K8S_FORBIDDEN, naming the verb and resource.
  const saCore = saClients.core;
  const refused = await saCore.listNamespacedSecret({ namespace }).then(
    () => undefined,
    (err: unknown) => classifyKubeError(err, { verb: 'list', resource: 'secrets', namespace }),
  );
  expect(refused).toMatchObject({ code: KubeErrorCode.Forbidden, kind: 'domain', retryable: false, status: 403 });
  expect(refused?.message).toMatch(/cannot list resource "secrets"/);
  // Nor anything in another namespace.
  const elsewhere = await saCore.listNamespacedConfigMap({ namespace: 'default' }).then(
    () => undefined,
    (err: unknown) => classifyKubeError(err, { verb: 'list', resource: 'configmaps', namespace: 'default' }),
  );
  expect(elsewhere?.code).toBe(KubeErrorCode.Forbidden);
});
