/**
 * Folders and several files: `validate` checks each file as alone and that no application is named in two; a
 * folder's *.yaml, *.yml and *.json are read, what else it holds is named in a note; a command that takes one
 * manifest (plan) names the commands that take several; stdin is read alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { stack } from '../../support/stack';
import { runCliProcess } from './cli-process';
import { memoryIo } from './memory-io';

const example = readFileSync(path.join(stack.root, 'examples', 'ci', 'flink-app.yaml'), 'utf8');
const named = (name: string, edit: (yaml: string) => string = (y) => y) =>
  edit(example.replace('name: basic-example', `name: ${name}`));

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fd-validate-'));
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

interface ManyJson {
  valid: boolean;
  files: { file: string; valid: boolean; documents?: { name: string }[]; errors: { path: string }[] }[];
  errors: { message: string }[];
}

async function validateJson(argv: string[]): Promise<{ code: number; json: ManyJson }> {
  const io = memoryIo();
  const code = await runCli(['validate', ...argv, '-o', 'json'], io);
  return { code, json: JSON.parse(io.out()) as ManyJson };
}

test('a folder of valid manifests naming different applications: valid, each file listed (exit 0)', async () => {
  const dir = folder({ 'a.yaml': named('orders'), 'b.yml': named('payments'), 'notes.txt': 'not a manifest' });
  const { code, json } = await validateJson(['-f', dir]);
  expect(code).toBe(0);
  expect(json.valid).toBe(true);
  expect(json.files.map((f) => [path.basename(f.file), f.valid, f.documents?.map((d) => d.name)])).toEqual([
    ['a.yaml', true, ['orders']],
    ['b.yml', true, ['payments']],
  ]);
  expect(json.errors).toEqual([]);
  const text = memoryIo();
  expect(await runCli(['validate', '-f', dir], text)).toBe(0);
  expect(text.out()).toContain('2 of 2 manifests valid');
});

test('one application in two files: each valid alone, not valid together (exit 2), as apply refuses', async () => {
  const dir = folder({
    'a.yaml': named('orders'),
    'b.yaml': named('orders', (y) => y.replace('parallelism: 2', 'parallelism: 3')),
  });
  const { code, json } = await validateJson(['-f', dir]);
  expect(code).toBe(2);
  expect(json.valid).toBe(false);
  expect(json.files.every((f) => f.valid)).toBe(true);
  expect(json.errors).toEqual([
    expect.objectContaining({
      message:
        `default/orders is named by ${path.join(dir, 'a.yaml')} and ${path.join(dir, 'b.yaml')}: ` +
        'apply takes one manifest per application',
    }),
  ]);
});

test('several -f with one invalid: that file named with its problem, the others listed valid (exit 2)', async () => {
  const dir = folder({
    'good.yaml': named('orders'),
    'bad.yaml': named('payments', (y) => y.replace('parallelism: 2', 'parallelism: 0')),
  });
  const good = path.join(dir, 'good.yaml');
  const bad = path.join(dir, 'bad.yaml');
  const { code, json } = await validateJson(['-f', good, '-f', bad]);
  expect(code).toBe(2);
  expect(json.files.map((f) => [f.file, f.valid, f.errors.map((e) => e.path)])).toEqual([
    [good, true, []],
    [bad, false, ['spec.job.parallelism']],
  ]);
  const text = memoryIo();
  expect(await runCli(['validate', '-f', good, '-f', bad], text)).toBe(2);
  expect(text.err()).toContain(`${bad} is not valid (1 problem)`);
  expect(text.out()).toContain('1 of 2 manifests valid');
});

test('an empty folder is a usage error naming it (exit 2)', async () => {
  const dir = folder({});
  const io = memoryIo();
  expect(await runCli(['validate', '-f', dir], io)).toBe(2);
  expect(io.err()).toContain(`the folder ${dir} holds no manifest`);
});

test('plan of a folder: exit 2 naming the commands that take one (apply --dry-run, validate)', async () => {
  const dir = folder({ 'a.yaml': named('orders') });
  const io = memoryIo({ KUBECONFIG: '/nonexistent/kubeconfig' });
  expect(await runCli(['plan', '-f', dir], io)).toBe(2);
  expect(io.err()).toContain(`cannot read the manifest ${dir}: a folder`);
  expect(io.err()).toContain(`flink-deploy apply -f ${dir} --dry-run`);
  expect(io.err()).toContain(`flink-deploy validate -f ${dir}`);
});

test('a folder: its *.json read too (as kubectl does); other files and subfolders named in a note', async () => {
  const manifest = JSON.stringify({
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkDeployment',
    metadata: { name: 'payments' },
    spec: {
      image: 'flink:2.2',
      flinkVersion: 'v2_2',
      serviceAccount: 'flink',
      jobManager: { resource: { memory: '2048m', cpu: 1 } },
      taskManager: { resource: { memory: '2048m', cpu: 1 } },
      job: { jarURI: 'local:///opt/flink/examples/streaming/StateMachineExample.jar', parallelism: 2 },
    },
  });
  const dir = folder({ 'a.yaml': named('orders'), 'c.json': manifest, 'README.md': '# apps' });
  mkdirSync(path.join(dir, 'old'));
  writeFileSync(path.join(dir, 'old', 'd.yaml'), named('legacy'));
  const io = memoryIo();
  expect(await runCli(['validate', '-f', dir], io)).toBe(0);
  expect(io.out()).toContain(`${path.join(dir, 'c.json')}:\n  valid: default/payments`);
  expect(io.out()).toContain('2 of 2 manifests valid');
  expect(io.err()).toBe(
    'note: skipped (not *.yaml, *.yml or *.json; subfolders are not read): ' +
      `${path.join(dir, 'README.md')}, ${path.join(dir, 'old')}/\n`,
  );
  // A JSON file that is not a manifest is checked, and named, as a YAML one would be.
  writeFileSync(path.join(dir, 'settings.json'), '{"theme": "dark"}');
  const json = await validateJson(['-f', dir]);
  expect(json.code).toBe(2);
  expect(json.json.files.find((f) => f.file.endsWith('settings.json'))?.valid).toBe(false);
});

test('a FIFO or a link to /dev/zero named *.yaml in a folder: exit 2 naming it, never opened (was a hang)', () => {
  const withFifo = folder({ 'a.yaml': named('orders') });
  execFileSync('mkfifo', [path.join(withFifo, 'b.yaml')]);
  const withDevice = folder({ 'a.yaml': named('orders') });
  symlinkSync('/dev/zero', path.join(withDevice, 'zero.yaml'));
  for (const [dir, entry, what] of [
    [withFifo, 'b.yaml', 'a FIFO (named pipe)'],
    [withDevice, 'zero.yaml', 'a character device'],
  ] as const) {
    const run = runCliProcess(['validate', '-f', dir]);
    expect({ entry, code: run.code }).toEqual({ entry, code: 2 });
    expect(run.stderr).toContain(
      `cannot read the manifest ${path.join(dir, entry)}: it is ${what}, not a regular file`,
    );
  }
  // Named otherwise, a FIFO is skipped like any other file: not opened either.
  const other = folder({ 'a.yaml': named('orders') });
  execFileSync('mkfifo', [path.join(other, 'pipe')]);
  const run = runCliProcess(['validate', '-f', other]);
  expect(run.code).toBe(0);
  expect(run.stderr).toContain(
    `skipped (not *.yaml, *.yml or *.json; subfolders are not read): ${path.join(other, 'pipe')}`,
  );
});

test('-f - with other -f: exit 2, stdin cannot be part of a fleet (validate, apply; was ENOENT)', async () => {
  const dir = folder({ 'a.yaml': named('orders') });
  for (const command of ['validate', 'apply']) {
    const io = memoryIo({ KUBECONFIG: '/nonexistent/kubeconfig' });
    expect({ command, code: await runCli([command, '-f', '-', '-f', path.join(dir, 'a.yaml')], io) }).toEqual({
      command,
      code: 2,
    });
    expect(io.err()).toContain('-f - (stdin) reads one manifest; it cannot be part of a fleet');
    expect(io.err()).not.toContain('ENOENT');
  }
});

test('plan with several -f: exit 2, plan takes one, apply --dry-run named (was: the last one planned)', async () => {
  const dir = folder({ 'a.yaml': named('orders'), 'b.yaml': named('payments') });
  const [a, b] = [path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')];
  const io = memoryIo({ KUBECONFIG: '/nonexistent/kubeconfig' });
  expect(await runCli(['plan', '-f', a, '-f', b, '-o', 'json'], io)).toBe(2);
  expect(JSON.parse(io.out())).toMatchObject({
    error: { code: 'Usage', message: `plan takes one manifest, and -f names 2: ${a}, ${b}` },
  });
  expect(io.err()).toContain(`flink-deploy apply -f ${a} -f ${b} --dry-run`);
});
