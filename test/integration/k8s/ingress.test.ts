/**
 * spec.ingress on the real kube-apiserver: the applyIngress activity applies the rendered Ingress (accepted by
 * the API server's own validation), applies a changed template in place, and the Ingress goes with the record.
 */
import type { V1Ingress } from '@kubernetes/client-node';
import { createActivities } from '../../../src/activities';
import type { ActivityConfig } from '../../../src/activities/deps';
import { createKubeFacade, emptyRecord, type KubeFacade } from '../../../src/k8s';
import { baseManifest, specOf } from '../../unit/spec/manifest-fixtures';
import { adminClients, eventually, testNamespace } from './support';

const clients = adminClients();
const facade: KubeFacade = createKubeFacade(clients);
const activities = createActivities({
  kube: facade,
  flinkFor: () => Promise.reject(new Error('no Flink in this test')),
  config: {} as ActivityConfig,
});
let ns: Awaited<ReturnType<typeof testNamespace>>;

beforeEach(async () => {
  ns = await testNamespace(clients, 'fd-ingress');
});
afterEach(async () => {
  await ns.cleanup();
});

function spec(template: string) {
  const manifest = baseManifest();
  manifest.metadata.namespace = ns.name;
  manifest.spec.ingress = { template, className: 'nginx', annotations: { 'example.com/owner': 'team-a' } };
  return specOf(manifest);
}

function readIngress(): Promise<V1Ingress | undefined> {
  return clients.objects
    .read<V1Ingress>({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'orders', namespace: ns.name },
    })
    .catch((err: { code?: number }) => {
      if (err.code === 404) return undefined;
      throw err;
    });
}

test('applied with the record as owner, changed in place, collected with the record', async () => {
  const record = await facade.records.createRecord(ns.name, emptyRecord(ns.name, 'orders'));

  await expect(activities.applyIngress({ spec: spec('{{name}}.{{namespace}}.flink.example.com') })).resolves.toBe(
    'applied',
  );
  const first = await readIngress();
  expect(first?.spec?.rules?.[0]?.host).toBe(`orders.${ns.name}.flink.example.com`);
  expect(first?.spec?.ingressClassName).toBe('nginx');
  expect(first?.spec?.rules?.[0]?.http?.paths[0]?.backend.service).toEqual({
    name: 'orders-rest',
    port: { number: 8081 },
  });
  expect(first?.metadata?.labels?.['app.kubernetes.io/instance']).toBe('orders');
  expect(first?.metadata?.annotations?.['example.com/owner']).toBe('team-a');
  expect(first?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ConfigMap', uid: record.uid });

  // The operator's path form (a regular expression for ingress-nginx) is accepted by the API server too.
  await activities.applyIngress({ spec: spec('/{{namespace}}/{{name}}(/|$)(.*)') });
  const second = await readIngress();
  expect(second?.metadata?.uid).toBe(first?.metadata?.uid);
  expect(second?.spec?.rules?.[0]?.host).toBeUndefined();
  expect(second?.spec?.rules?.[0]?.http?.paths[0]?.path).toBe(`/${ns.name}/orders(/|$)(.*)`);

  await facade.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns.name, name: 'orders-deploy-state' });
  await eventually('the Ingress collected with the record', async () => ((await readIngress()) ? undefined : true));
});

test('a spec without ingress, where none was deployed, makes no call and changes nothing', async () => {
  await facade.records.createRecord(ns.name, emptyRecord(ns.name, 'orders'));
  await expect(
    activities.applyIngress({ spec: specOf({ ...baseManifest(), metadata: { name: 'orders', namespace: ns.name } }) }),
  ).resolves.toBe('none');
  expect(await readIngress()).toBeUndefined();
});
