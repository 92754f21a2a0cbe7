/**
 * `flink-deploy codec-server` as the Web UI calls it: encode then decode gives the payload back,
 * CORS only for the configured origin, the bearer token required when set; a missing or bad key
 * file is refused with exit 2, naming it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { cliEnv, runCli, startCli, until, type CliProcess } from './run-cli';

const dir = mkdtempSync(path.join(os.tmpdir(), 'codec-server-'));
const keys = path.join(dir, 'keys');
writeFileSync(keys, `2026-12-01=${randomBytes(32).toString('base64')}\n`);
const tokenFile = path.join(dir, 'token');
writeFileSync(tokenFile, 'let-me-see\n');
const port = 20000 + Math.floor(Math.random() * 20000);
const base = `http://127.0.0.1:${port}`;
const ui = 'http://127.0.0.1:8233';

let server: CliProcess;
beforeAll(async () => {
  server = startCli([
    'codec-server',
    '--listen',
    `127.0.0.1:${port}`,
    '--payload-keys',
    keys,
    '--auth-token-file',
    tokenFile,
  ]);
  await until(() => server.stderr().includes('codec server on'), 30_000);
});
afterAll(async () => {
  server.child.kill('SIGTERM');
  expect((await server.done).code).toBe(0);
});

const post = (op: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/${op}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer let-me-see', Origin: ui, ...headers },
    body: JSON.stringify(body),
  });
const b64 = (text: string) => Buffer.from(text).toString('base64');
const spec = { metadata: { encoding: b64('json/plain') }, data: b64('{"name":"counter","secret":"hunter2"}') };

test('encode gives an encrypted payload naming its key; decode gives the original back', async () => {
  const encoded = await post('encode', { payloads: [spec] });
  expect(encoded.status).toBe(200);
  expect(encoded.headers.get('access-control-allow-origin')).toBe(ui);
  const [sealed] = ((await encoded.json()) as { payloads: (typeof spec & { data: string })[] }).payloads;
  expect(Buffer.from(sealed!.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
  expect(Buffer.from(sealed!.data, 'base64').toString('latin1')).not.toContain('hunter2');

  const decoded = await post('decode', { payloads: [sealed] });
  expect(decoded.status).toBe(200);
  expect(await decoded.json()).toEqual({ payloads: [spec] });
});

test('CORS: the preflight of the UI origin is answered with its headers, another origin gets none', async () => {
  const preflight = await fetch(`${base}/decode`, {
    method: 'OPTIONS',
    headers: { Origin: ui, 'Access-Control-Request-Method': 'POST' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(ui);
  expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
  const other = await post('decode', { payloads: [] }, { Origin: 'http://evil.example' });
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});

test('without the token: 401; a body that is not JSON: 400; a tampered payload: 422 saying so', async () => {
  expect((await post('decode', { payloads: [spec] }, { Authorization: 'Bearer nope' })).status).toBe(401);
  const notJson = await fetch(`${base}/decode`, {
    method: 'POST',
    headers: { Authorization: 'Bearer let-me-see' },
    body: '{oops',
  });
  expect(notJson.status).toBe(400);
  const sealed = ((await (await post('encode', { payloads: [spec] })).json()) as { payloads: { data: string }[] })
    .payloads[0]!;
  const bytes = Buffer.from(sealed.data, 'base64');
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
  const tampered = await post('decode', { payloads: [{ ...sealed, data: bytes.toString('base64') }] });
  expect(tampered.status).toBe(422);
  expect(((await tampered.json()) as { error: string }).error).toMatch(/failed authentication/);
});

test('no payload keys, or a bad key file: exit 2 naming what is wrong, nothing listens', async () => {
  const none = await runCli(['codec-server', '--listen', `127.0.0.1:${port + 1}`], cliEnv());
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/needs the payload keys/);
  const bad = path.join(dir, 'bad-keys');
  writeFileSync(bad, 'k1=tooshort\n');
  const refused = await runCli(['codec-server', '--payload-keys', bad], cliEnv());
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(bad);
  expect(refused.stderr).toMatch(/not 32 bytes of base64/);
});
