/**
 * What `-f` reads (src/cli/manifest-text.ts): only regular files, stat'ed before they are opened, and at most the
 * 4 MiB limit of a file or of stdin; bytes decoded as strict UTF-8. Each way in that hung or crashed the CLI is
 * now exit 2 at once with a message naming the path and why. Run as a process where a failure would hang or
 * crash the test itself.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { stack } from '../../support/stack';
import { runCliProcess } from './cli-process';
import { memoryIo } from './memory-io';

const example = readFileSync(path.join(stack.root, 'examples', 'ci', 'flink-app.yaml'), 'utf8');
const dir = mkdtempSync(path.join(tmpdir(), 'fd-manifest-input-'));

test('/dev/zero, /dev/urandom given with -f: exit 2 at once naming path and kind (was a crash, a hang)', () => {
  for (const device of ['/dev/zero', '/dev/urandom']) {
    const run = runCliProcess(['validate', '-f', device]);
    expect({ device, code: run.code }).toEqual({ device, code: 2 });
    expect(run.stderr).toContain(`cannot read the manifest ${device}: it is a character device, not a regular file`);
    expect(run.stderr).toContain('pipe it to -f -');
    expect(run.ms).toBeLessThan(15_000);
  }
});

test('a FIFO given with -f: exit 2 naming it, never opened (opening one waits for a writer)', () => {
  const fifo = path.join(dir, 'app.yaml');
  execFileSync('mkfifo', [fifo]);
  const run = runCliProcess(['validate', '-f', fifo]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(`cannot read the manifest ${fifo}: it is a FIFO (named pipe), not a regular file`);
});

test('stdin that never ends (-f - < /dev/zero): read up to the limit, then exit 2 with the size message', () => {
  const zero = openSync('/dev/zero', 'r');
  try {
    const run = runCliProcess(['validate', '-f', '-'], { stdin: zero });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the manifest is over 4 MiB; flink-deploy reads manifests of at most 4 MiB');
  } finally {
    closeSync(zero);
  }
});

test('a 1 GiB file is refused by its size, before it is read (exit 2 within seconds)', () => {
  const big = path.join(dir, 'big.yaml');
  writeFileSync(big, example);
  truncateSync(big, 1024 ** 3); // sparse: no disk taken
  const run = runCliProcess(['validate', '-f', big, '-o', 'json']);
  expect(run.code).toBe(2);
  expect(JSON.parse(run.stdout)).toMatchObject({
    valid: false,
    errors: [{ code: 'too-large', message: expect.stringMatching(/^the manifest is 1024 MiB; .* at most 4 MiB/) }],
  });
  expect(run.ms).toBeLessThan(15_000);
});

test('a U+FFFD written in the file (a comment, a value) is text: the manifest is valid', async () => {
  const file = path.join(dir, 'replacement-character.yaml');
  writeFileSync(
    file,
    `# pasted from a log: \uFFFD\n${example.replace('name: basic-example', 'name: basic-example # \uFFFD')}`,
  );
  const io = memoryIo();
  expect(await runCli(['validate', '-f', file], io)).toBe(0);
  expect(io.out()).toContain('valid: default/basic-example');
});

test('bytes that are not UTF-8 are still refused by line and column, a U+FFFD before them or not', async () => {
  const file = path.join(dir, 'latin1.yaml');
  writeFileSync(file, Buffer.concat([Buffer.from(`${example}# \uFFFD caf`), Buffer.from([0xe9]), Buffer.from('\n')]));
  const line = example.split('\n').length;
  const io = memoryIo();
  expect(await runCli(['validate', '-f', file, '-o', 'json'], io)).toBe(2);
  expect(JSON.parse(io.out())).toEqual({
    valid: false,
    errors: [
      expect.objectContaining({
        code: 'not-utf8',
        message: `the manifest is not UTF-8 text: line ${line}, column 8 holds bytes that are not UTF-8`,
        line,
        column: 8,
      }),
    ],
  });
});

test('plan and apply --dry-run of stdin read it once: the manifest is planned, not "empty"', () => {
  for (const command of [['plan'], ['apply', '--dry-run']]) {
    const run = runCliProcess([...command, '-f', '-'], { stdin: example });
    // Read, checked, and on to the cluster, which this test has none of (exit 2: no kubeconfig).
    expect({ command, code: run.code }).toEqual({ command, code: 2 });
    expect(run.stderr).not.toContain('the manifest is empty');
    expect(run.stderr).toContain('cannot read the deployed state of default/basic-example from Kubernetes');
  }
});
