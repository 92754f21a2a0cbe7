import { createServer } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { createKubeClients, createKubeFacade, KubeErrorCode } from '../../../src/k8s';

/** A loopback port nobody listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

test('an API server that cannot be reached is a retryable transport error, not a domain answer', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'gone', server: `https://127.0.0.1:${await closedPort()}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'gone', cluster: 'gone', user: 'u' }],
    currentContext: 'gone',
  });
  const facade = createKubeFacade(createKubeClients(kc));
  await expect(facade.records.readRecord('apps', 'orders')).rejects.toMatchObject({
    code: KubeErrorCode.Unreachable,
    kind: 'transport',
    retryable: true,
  });
  await expect(facade.readDeploymentStatus({ namespace: 'apps', name: 'x' })).rejects.toMatchObject({
    code: KubeErrorCode.Unreachable,
  });
  await expect(
    facade.records.acquireLock({ namespace: 'apps', app: 'orders', workflowId: 'w', runId: 'r', operation: 'deploy' }),
  ).rejects.toMatchObject({ code: KubeErrorCode.Unreachable });
});
