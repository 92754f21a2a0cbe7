/**
 * The fault proxy (test/faults/matrix/fault-proxy.ts) against a local HTTP server standing in for Flink:
 * it passes requests through, answers what a rule matches with the rule's status or a reset, and a tap
 * resolves on a matching answer while holding it back until released.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultProxy } from '../../faults/matrix/fault-proxy';

let upstream: http.Server;
let upstreamUrl: string;
let proxy: FaultProxy;
let proxyUrl: string;
const seen: string[] = [];

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(req.method === 'POST' ? 202 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  proxy = new FaultProxy({
    server: 'https://127.0.0.1:1',
    ca: Buffer.from(''),
    cert: Buffer.from(''),
    key: Buffer.from(''),
  });
  proxyUrl = `http://127.0.0.1:${await proxy.listen()}`;
});
afterAll(async () => {
  await proxy.close();
  await new Promise((r) => upstream.close(r));
});

/** A request through the proxy as a forward proxy (absolute URI), as undici's ProxyAgent sends it. */
function viaProxy(method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${proxyUrl}`, { method, path: `${upstreamUrl}${path}` }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('passes requests through, then answers a rule’s status for as many requests as it says', async () => {
  expect(await viaProxy('GET', '/jobs')).toEqual({ status: 200, body: '{"path":"/jobs"}' });
  proxy.addRule({
    target: 'flink',
    match: (r) => r.path === '/jobs',
    fault: { kind: 'status', status: 503 },
    times: 2,
  });
  expect((await viaProxy('GET', '/jobs')).status).toBe(503);
  expect((await viaProxy('GET', '/overview')).status).toBe(200);
  expect((await viaProxy('GET', '/jobs')).status).toBe(503);
  expect((await viaProxy('GET', '/jobs')).status).toBe(200);
  expect(proxy.applied.get('flink 503')).toBe(2);
});

test('a reset rule drops the connection; removing the rule heals it', async () => {
  const remove = proxy.addRule({ target: 'flink', match: () => true, fault: { kind: 'reset' } });
  await expect(viaProxy('GET', '/jobs')).rejects.toThrow(/socket hang up|ECONNRESET/);
  remove();
  expect((await viaProxy('GET', '/jobs')).status).toBe(200);
});

test('a tap resolves once the upstream answered, and holds that answer until released', async () => {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const tapped = proxy.tap('flink', (r, status) => r.method === 'POST' && status === 202, {
    hold: true,
    release: released,
  });
  let answered = false;
  const call = viaProxy('POST', '/jobs/abc/stop').then((r) => {
    answered = true;
    return r;
  });
  await tapped;
  expect(seen).toContain('POST /jobs/abc/stop');
  await new Promise((r) => setTimeout(r, 200));
  expect(answered).toBe(false);
  release();
  expect((await call).status).toBe(202);
});
