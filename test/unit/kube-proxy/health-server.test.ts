/**
 * The health endpoint both local stand-ins serve: `/healthz` follows the process's state, each document path
 * answers its JSON (kube-proxy's `/services`), anything else is 404.
 */
import type { AddressInfo } from 'node:net';
import { startHealthServer } from '../../../src/local/shared/health-server';

test('/healthz 503 then 200, /services as JSON, other paths 404', async () => {
  let healthy = false;
  const server = await startHealthServer({
    port: 0,
    healthy: () => healthy,
    documents: { '/services': () => ['127.2.0.10:6123'] },
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    healthy = true;
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok');
    expect(await (await fetch(`${base}/services`)).json()).toEqual(['127.2.0.10:6123']);
    expect((await fetch(`${base}/pods`)).status).toBe(404);
    expect((await fetch(`${base}/toString`)).status).toBe(404);
  } finally {
    server.close();
  }
});
