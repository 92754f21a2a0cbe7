/**
 * A kubeconfig the CLI cannot use (none found, unparsable, a --context it lacks) is invalid input (docs/cli.md:
 * exit 2) with the way out, in every command that reads the cluster: `logs` said it with exit 1 and no hint.
 * In-process; nothing reaches a server (the context is checked before any request).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { stack } from '../../support/stack';
import { memoryIo } from './memory-io';

const dir = mkdtempSync(path.join(tmpdir(), 'fd-kubeconfig-'));
const unparsable = path.join(dir, 'unparsable');
writeFileSync(unparsable, 'clusters: [\n');
const withContext = path.join(dir, 'kubeconfig');
writeFileSync(
  withContext,
  `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: real, context: {cluster: c, user: u}}]
current-context: real
`,
);
const manifest = path.join(dir, 'app.yaml');
writeFileSync(manifest, readFileSync(path.join(stack.root, 'examples', 'ci', 'flink-app.yaml'), 'utf8'));

const cases = [
  { kubeconfig: path.join(dir, 'none'), extra: [], said: `no kubeconfig at ${path.join(dir, 'none')}` },
  { kubeconfig: unparsable, extra: [], said: `could not load the kubeconfig (file ${unparsable})` },
  { kubeconfig: withContext, extra: ['--context', 'nope'], said: 'kubeconfig has no context "nope" (known: real)' },
];

test.each([
  ['logs', ['logs', 'basic-example']],
  ['status', ['status', 'basic-example']],
  ['plan', ['plan', '-f', manifest]],
])('%s: no kubeconfig, an unparsable one, an unknown --context: exit 2 with the hint', async (_name, argv) => {
  for (const { kubeconfig, extra, said } of cases) {
    const io = memoryIo({ KUBECONFIG: kubeconfig, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const code = await runCli([...argv, ...extra], io);
    expect({ argv, said, code }).toEqual({ argv, said, code: 2 });
    expect(io.err()).toContain(said);
    expect(io.err()).toContain('Check --kubeconfig / --context (KUBECONFIG, FLINK_DEPLOY_KUBECONFIG)');
  }
});
