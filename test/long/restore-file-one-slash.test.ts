/**
 * A savepoint path as Flink reports it, `file:/…` (one slash), named in a new application's
 * `spec.job.initialSavepointPath` (patch spec-checks-5): the CLI takes it and the job restores from THAT savepoint,
 * as Flink's own restore report says (the stability wait checks `latest.restored`). Before, `apply` refused it
 * (exit 2). `npm run test:long`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { E2eEnv, readRecord } from '../support/e2e';

const env = new E2eEnv('long-file-one-slash');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());
const wait = ['--wait', '--timeout', '5m'];

test('a new application restores from a savepoint named as Flink reports it (file:/…)', async () => {
  expect((await env.cli(['apply', '-f', env.manifest('source'), ...wait])).code).toBe(0);
  expect((await env.cli(['savepoint', 'source', '-n', env.namespace, ...wait])).code).toBe(0);
  const location = (await readRecord(env.namespace, 'source')).savepoints.at(-1)!.location;
  expect(location).toMatch(/^file:\/[^/]/);
  const file = env.manifest('copy');
  const text = readFileSync(file, 'utf8').replace(
    /(\n\s+upgradeMode: \w+\n)/,
    `$1    initialSavepointPath: ${location}\n`,
  );
  expect(text).toContain(`initialSavepointPath: ${location}`);
  writeFileSync(file, text);
  expect((await env.cli(['apply', '-f', file, ...wait])).code).toBe(0);
  expect((await readRecord(env.namespace, 'copy')).restoredFrom).toBe(location);
});
