/**
 * Issue 11 items 15 and 16 through the command line: a manifest too large for Temporal or
 * Kubernetes, and hostile YAML, exit 2 quickly with a plain message; nothing is started.
 */
import { writeFileSync } from 'node:fs';
import { cliEnv, runCli, writeManifest } from './run-cli';

/** The example manifest with `count` job arguments of about 100 bytes each. */
function manifestWithArgs(name: string, count: number): string {
  let args = '';
  for (let i = 0; i < count; i++) args += `      - "--argument-${i}=${'x'.repeat(80)}"\n`;
  return writeManifest(name, (yaml) => {
    const withArgs = yaml.replace(/^( {4})jarURI:/m, `    args:\n${args}    jarURI:`);
    expect(withArgs).not.toBe(yaml);
    return withArgs;
  });
}

// Temporal is never asked: an address where nothing listens proves it.
const offline = cliEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1' });

test(
  'a 10 MB manifest (100,000 job args): validate exits 2 ' + 'within seconds, naming the limit and the size',
  async () => {
    const file = manifestWithArgs('huge-args', 100_000);
    const started = Date.now();
    const run = await runCli(['validate', '-f', file], offline);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the manifest is (9|10)\.\d MiB; flink-deploy reads manifests of at most 4 MiB/);
    expect(run.stderr).toContain('Kubernetes ConfigMap of at most 1 MiB');
    expect(run.stderr).toContain('Temporal payloads of at most 2 MiB');
  },
);

test(
  'a 1 MB manifest (10,000 job args): validate, plan and apply exit 2 naming the record limit, before any ' +
    'connection',
  async () => {
    const file = manifestWithArgs('many-args', 10_000);
    for (const command of [['validate'], ['plan'], ['apply', '--no-wait']]) {
      const run = await runCli([...command, '-f', file], offline);
      expect({ command, code: run.code }).toEqual({ command, code: 2 });
      expect(run.stderr).toMatch(/the spec takes 2\.\d MiB in the deployed-state record/);
      expect(run.stderr).toContain('a spec may take at most 448 KiB');
      expect(run.stderr).toContain('The largest part is spec.job.args');
      expect(run.stderr).not.toContain('Failed to start Workflow');
    }
  },
);

test("an alias bomb: exit 2 and a plain message, not the YAML library's words", async () => {
  const file = writeManifest('alias-bomb', (yaml) => {
    let bomb = 'lol0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let level = 1; level < 10; level++)
      bomb += `lol${level}: &l${level} [${Array(9)
        .fill(`*l${level - 1}`)
        .join(',')}]\n`;
    return `${bomb}${yaml}`;
  });
  const run = await runCli(['validate', '-f', file], offline);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('too many YAML aliases');
  expect(run.stderr).not.toMatch(/resource exhaustion attack|ReferenceError|    at /);
});

test('bytes that are not UTF-8: exit 2 naming line and column', async () => {
  const file = writeManifest('latin1');
  writeFileSync(file, Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\n')]), { flag: 'a' });
  const run = await runCli(['validate', '-f', file], offline);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/the manifest is not UTF-8 text: line \d+, column 6/);
});
