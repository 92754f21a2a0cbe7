/**
 * What `flink-deploy --help` and `validate` load: never the Temporal SDK (gRPC, protobufs: most of
 * the start-up, scripts/bench/startup.ts). A module that imports it at its top, anywhere under the
 * program, fails this test; such imports go through src/cli/lazy-modules.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const node = path.join(root, 'node_modules', '.bin', 'node');

/** The packages under node_modules that running the CLI with `args` loaded. */
function packagesLoaded(args: string[]): string[] {
  const script = `
    const { runCli } = require(${JSON.stringify(path.join(root, 'src', 'cli', 'main.ts'))});
    const sink = { write: () => true };
    runCli(${JSON.stringify(args)}, { stdout: sink, stderr: sink, env: {}, onInterrupt: () => () => {} })
      .then((code) => {
        const loaded = Object.keys(require.cache)
          .map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1])
          .filter(Boolean);
        process.stdout.write(JSON.stringify({ code, loaded: [...new Set(loaded)] }));
      });`;
  const run = spawnSync(node, ['--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
  const out = JSON.parse(run.stdout || '{}') as { code?: number; loaded?: string[] };
  if (out.code === undefined) throw new Error(`the CLI did not run: ${run.stderr}`);
  return out.loaded ?? [];
}

test('--help loads no Temporal package', () => {
  const loaded = packagesLoaded(['--help']);
  expect(loaded).toContain('commander');
  expect(loaded.filter((p) => p.startsWith('@temporalio/'))).toEqual([]);
});

test('validate of a manifest loads no Temporal package', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'start-up-'));
  const file = path.join(dir, 'app.yaml');
  writeFileSync(
    file,
    [
      'apiVersion: flink.apache.org/v1beta1',
      'kind: FlinkDeployment',
      'metadata: {name: app, namespace: ns}',
      'spec:',
      '  image: flink:2.3',
      '  flinkVersion: v2_3',
      '  jobManager: {resource: {memory: 1024m, cpu: 1}}',
      '  taskManager: {resource: {memory: 1024m, cpu: 1}}',
      '  job: {jarURI: "local:///opt/flink/usrlib/job.jar", parallelism: 1, upgradeMode: stateless}',
      '',
    ].join('\n'),
  );
  const loaded = packagesLoaded(['validate', '-f', file]);
  expect(loaded).toContain('zod');
  expect(loaded.filter((p) => p.startsWith('@temporalio/'))).toEqual([]);
});
