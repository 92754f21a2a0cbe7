/**
 * Issue 11 item 17: without any kubeconfig (no KUBECONFIG, no ~/.kube/config, not in a
 * cluster), every command that reads the cluster says so and where it looked: exit 2.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEnv, runCli, writeManifest } from './run-cli';

const home = mkdtempSync(path.join(os.tmpdir(), 'flink-deploy-empty-home-'));
// HOME is an empty folder; KUBECONFIG is not passed (cliEnv passes only what it names).
const env = cliEnv({ HOME: home, TEMPORAL_ADDRESS: '127.0.0.1:1' });
const manifest = writeManifest('no-kubeconfig');

test.each([
  ['status', ['status', 'no-kubeconfig']],
  ['plan', ['plan', '-f', manifest]],
  ['apply --dry-run', ['apply', '--dry-run', '-f', manifest]],
])('%s: "no kubeconfig found" with the places it looked, exit 2', async (_name, argv) => {
  expect(env.KUBECONFIG).toBeUndefined();
  const run = await runCli(argv, env);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('no kubeconfig found: looked in KUBECONFIG (not set)');
  expect(run.stderr).toContain(`${path.join(home, '.kube', 'config')} (no such file)`);
  expect(run.stderr).toContain('the in-cluster service account');
  expect(run.stderr).not.toContain('HTTP protocol is not allowed');
});

test('status --output json carries the same error as InvalidSetting', async () => {
  const run = await runCli(['status', 'no-kubeconfig', '-o', 'json'], env);
  expect(run.code).toBe(2);
  expect(JSON.parse(run.stdout)).toMatchObject({
    error: { code: 'InvalidSetting', message: expect.stringContaining('no kubeconfig found') },
    exitCode: 2,
  });
});
