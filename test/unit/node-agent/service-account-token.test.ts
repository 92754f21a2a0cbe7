/** Service-account tokens: requested bound to the pod, kept while fresh, requested again after 80 % of the lifetime. */
import type * as k8s from '@kubernetes/client-node';
import type { KubeClients } from '../../../src/local/node-agent/kube-clients';
import { TokenCache } from '../../../src/local/node-agent/service-account-token';

const pod: k8s.V1Pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
  spec: { serviceAccountName: 'flink', containers: [] },
};

test('requests a bound token, reuses it until 80 % of its lifetime, then requests again', async () => {
  const requests: unknown[] = [];
  const clients = {
    core: {
      createNamespacedServiceAccountToken: async (request: unknown) => {
        requests.push(request);
        return { status: { token: `t${requests.length}` } };
      },
    },
  } as unknown as KubeClients;
  let now = 0;
  const cache = new TokenCache(() => now);
  const source = { path: 'token', expirationSeconds: 600 };
  expect(await cache.token({ pod, source, clients })).toBe('t1');
  expect(requests[0]).toMatchObject({
    name: 'flink',
    namespace: 'ns',
    body: { spec: { expirationSeconds: 600, boundObjectRef: { kind: 'Pod', name: 'p', uid: 'u1' } } },
  });
  now = 479_000;
  expect(cache.due()).toBe(false);
  expect(await cache.token({ pod, source, clients })).toBe('t1');
  now = 480_000;
  expect(cache.due()).toBe(true);
  expect(await cache.token({ pod, source, clients })).toBe('t2');
  expect(cache.due()).toBe(false);
});

test('a missing ServiceAccount keeps the container creating, naming the account', async () => {
  const clients = {
    core: {
      createNamespacedServiceAccountToken: async () => {
        throw Object.assign(new Error('not found'), { code: 404 });
      },
    },
  } as unknown as KubeClients;
  await expect(new TokenCache().token({ pod, source: { path: 'token' }, clients })).rejects.toMatchObject({
    reason: 'ContainerCreating',
    message: expect.stringContaining('serviceaccount "flink" not found'),
  });
});
