import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
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

test('a request the API server never answers is abandoned at the request timeout: retryable, not a hang', async () => {
  // A server that takes each request and never answers (an API server, or a proxy before it, stuck).
  const agents: (string | undefined)[] = [];
  const held: ServerResponse[] = [];
  const server = createHttpServer((req, res) => {
    agents.push(req.headers['user-agent']);
    held.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'stuck', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'stuck', cluster: 'stuck', user: 'u' }],
      currentContext: 'stuck',
    });
    const facade = createKubeFacade(createKubeClients(kc, 500));
    const started = Date.now();
    await expect(facade.records.readRecord('apps', 'orders')).rejects.toMatchObject({
      code: KubeErrorCode.Timeout,
      kind: 'transport',
      retryable: true,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(5000);
    // The server-side apply too (the generic client), and every request names us.
    await expect(
      facade.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'apps' }, data: {} }]),
    ).rejects.toMatchObject({ code: KubeErrorCode.Timeout });
    expect(agents.length).toBeGreaterThanOrEqual(2);
    expect(new Set(agents)).toEqual(new Set(['flink-deploy']));
  } finally {
    for (const res of held) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
