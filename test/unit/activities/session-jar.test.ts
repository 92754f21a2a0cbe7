/**
 * fetchJar: a session job's jar fetched by the worker (file://, http:// from a loopback server),
 * named by its content, bounded in size, refused for a scheme the setting does not allow.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fetchJar, JarUnavailableError } from '../../../src/activities/session-jar';

const dir = mkdtempSync(path.join(tmpdir(), 'fd-jar-'));
const store = path.join(dir, 'store');
const content = Buffer.from('PK\u0003\u0004 not really a jar, but bytes all the same');
const sha = createHash('sha256').update(content).digest('hex');
const local = path.join(dir, 'orders-1.0.jar');
writeFileSync(local, content);

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/jobs/orders-1.0.jar') res.end(content);
    else if (req.url === '/moved.jar') res.writeHead(302, { location: '/jobs/orders-1.0.jar' }).end();
    else if (req.url === '/broken.jar') res.writeHead(503).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const all = { schemes: ['https', 's3', 'http', 'file'] as const, maxBytes: 1024 * 1024, dir: store };

test('file://: the bytes, named by the first 16 hex of their SHA-256', async () => {
  const jar = await fetchJar(`file://${local}`, all);
  expect(jar).toMatchObject({ name: `${sha.slice(0, 16)}-orders-1.0.jar`, sha256: sha, bytes: content.length });
  expect(readFileSync(jar.file)).toEqual(content);
});

test('http://: the same content gets the same name (followed through a redirect too)', async () => {
  const direct = await fetchJar(`${base}/jobs/orders-1.0.jar`, all);
  const moved = await fetchJar(`${base}/moved.jar`, all);
  expect(direct.sha256).toBe(sha);
  expect(moved.sha256).toBe(sha);
});

test('a jar that cannot be had is a JarUnavailableError naming why; a 5xx is not (it is retried)', async () => {
  await expect(fetchJar(`${base}/missing.jar`, all)).rejects.toThrow(JarUnavailableError);
  await expect(fetchJar(`${base}/missing.jar`, all)).rejects.toThrow('answered 404');
  await expect(fetchJar(`file://${dir}/nothing.jar`, all)).rejects.toThrow('no such file on the worker');
  await expect(fetchJar(`file://${local}`, { ...all, maxBytes: 10 })).rejects.toThrow(
    'is larger than 10 bytes (setting sessionJob.maxJarMiB)',
  );
  await expect(fetchJar(`file://${local}`, { ...all, schemes: ['https', 's3'] })).rejects.toThrow(
    'jar URI scheme "file" is not allowed on this worker (setting sessionJob.jarSchemes: https, s3)',
  );
  const broken = fetchJar(`${base}/broken.jar`, all);
  await expect(broken).rejects.toThrow('answered 503');
  await expect(broken).rejects.not.toBeInstanceOf(JarUnavailableError);
});
