/** `validate` and usage errors: no cluster, no Temporal. */
import { runCli, writeManifest } from './run-cli';

const good = writeManifest('validate-good');
const bad = writeManifest('validate-bad', (yaml) =>
  yaml.replace('parallelism: 2', 'parallelism: 0').replace('jarURI:', 'jarUri:'),
);

test('a valid manifest exits 0 and says so on stdout', async () => {
  const run = await runCli(['validate', '-f', good]);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('valid: default/validate-good');
});

test('a valid manifest with --output json is one document {valid: true}', async () => {
  const run = await runCli(['validate', '-f', good, '--output', 'json']);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({
    valid: true,
    app: { namespace: 'default', name: 'validate-good' },
    documents: [
      { kind: 'application', namespace: 'default', name: 'validate-good', apply: 'deploys or updates the application' },
    ],
    errors: [],
  });
});

test('an invalid manifest exits 2, lists every problem on stderr, and nothing on stdout', async () => {
  const run = await runCli(['validate', '-f', bad]);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain('spec.job.parallelism');
  expect(run.stderr).toContain('did you mean jarURI');
});

test('an invalid manifest with --output json gives {valid: false, errors: [{path, message, hint}]}', async () => {
  const run = await runCli(['validate', '-f', bad, '-o', 'json']);
  expect(run.code).toBe(2);
  const document = JSON.parse(run.stdout) as {
    valid: boolean;
    errors: { path: string; message: string; hint?: string }[];
  };
  expect(document.valid).toBe(false);
  expect(document.errors.map((error) => error.path).sort()).toEqual([
    'spec.job.jarURI',
    'spec.job.jarUri',
    'spec.job.parallelism',
  ]);
  for (const error of document.errors) {
    expect(typeof error.message).toBe('string');
    expect(typeof error.hint).toBe('string');
  }
});

test('an unknown flag is a usage error: exit 2', async () => {
  const run = await runCli(['validate', '-f', good, '--no-such-flag']);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("unknown option '--no-such-flag'");
});

test('an unknown command is a usage error: exit 2', async () => {
  const run = await runCli(['deploy-everything']);
  expect(run.code).toBe(2);
});

test('a missing manifest file is exit 2 with what to do', async () => {
  const run = await runCli(['validate', '-f', '/nonexistent/app.yaml']);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('cannot read the manifest');
});

test('--help exits 0 and lists the exit codes', async () => {
  const run = await runCli(['--help']);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('Exit codes:');
});
