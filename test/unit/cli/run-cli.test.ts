/** The CLI in-process: flag parsing, usage errors, JSON shapes (nothing here needs a server). */
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { stack } from '../../support/stack';
import { memoryIo } from './memory-io';

const example = path.join(stack.root, 'examples', 'ci', 'flink-app.yaml');

test('validate --output json of the example: one document on stdout, nothing on stderr', async () => {
  const io = memoryIo();
  expect(await runCli(['validate', '-f', example, '-o', 'json'], io)).toBe(0);
  expect(JSON.parse(io.out())).toEqual({
    valid: true,
    app: { namespace: 'default', name: 'basic-example' },
    documents: [
      { kind: 'application', namespace: 'default', name: 'basic-example', apply: 'deploys or updates the application' },
    ],
    errors: [],
  });
  expect(io.err()).toBe('');
});

test('an unknown flag, a missing required flag, a bad choice, a bad duration: exit 2', async () => {
  for (const argv of [
    ['validate', '-f', example, '--nope'],
    ['validate'],
    ['validate', '-f', example, '-o', 'yaml'],
    ['apply', '-f', example, '--timeout', 'soon'],
    ['schedule', 'savepoints', 'basic-example'],
    ['schedule', 'savepoints', 'basic-example', '--every', '10m', '--keep', '0'],
    ['status'],
  ]) {
    const io = memoryIo();
    expect({ argv, code: await runCli(argv, io) }).toEqual({ argv, code: 2 });
    expect(io.err()).toMatch(/error/);
  }
});

test('schedule savepoints --every under 10s: exit 2 naming the floor, no schedule (no Temporal reached)', async () => {
  for (const every of ['1s', '9999ms']) {
    const io = memoryIo();
    expect(await runCli(['schedule', 'savepoints', 'basic-example', '--every', every], io)).toBe(2);
    expect(io.err()).toContain('the interval must be at least 10s');
  }
});

test('a duration longer than 10 years (a typo, or more than a timer holds): exit 2 naming the bound', async () => {
  for (const argv of [
    ['schedule', 'savepoints', 'basic-example', '--every', '100000d'],
    ['schedule', 'savepoints', 'basic-example', '--every', '10m', '--max-age', `${'9'.repeat(400)}d`],
    ['follow', 'basic-example', '--timeout', '3651d'],
  ]) {
    const io = memoryIo();
    expect({ argv, code: await runCli(argv, io) }).toEqual({ argv, code: 2 });
    expect(io.err()).toContain('expected a duration of at most 3650d');
  }
});

test('savepoint --format, --target-directory: a format Flink lacks, a directory it cannot take: exit 2', async () => {
  for (const [argv, why] of [
    [['--format', 'ZIP'], "argument 'ZIP' is invalid. Allowed choices are CANONICAL, NATIVE"],
    [['--target-directory', 'savepoints/relative'], 'is not an absolute savepoint path'],
    [['--target-directory', 's3://AKIA:secret@bucket/savepoints'], 'credentials'],
  ] as const) {
    const io = memoryIo();
    expect({ argv, code: await runCli(['savepoint', 'basic-example', ...argv], io) }).toEqual({ argv, code: 2 });
    expect(io.err()).toContain(why);
  }
});

test('a malformed application name is exit 2 before any connection', async () => {
  const io = memoryIo();
  expect(await runCli(['suspend', 'Not_A_Name', '-o', 'json'], io)).toBe(2);
  expect(JSON.parse(io.out())).toMatchObject({ error: { code: 'Usage' }, exitCode: 2 });
});

test('a bad setting is exit 2 with JSON {error: {code: InvalidSetting}} before any connection', async () => {
  const io = memoryIo({ TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' });
  expect(await runCli(['apply', '-f', example, '--address', 'no port', '-o', 'json'], io)).toBe(2);
  const document = JSON.parse(io.out()) as { error: { code: string; message: string } };
  expect(document.error.code).toBe('InvalidSetting');
  expect(document.error.message).toContain('--address');
  expect(document.error.message).toContain('TEMPORAL_ADDRESS');
});

test('--help and --version exit 0 on stdout', async () => {
  const help = memoryIo();
  expect(await runCli(['apply', '--help'], help)).toBe(0);
  expect(help.out()).toContain('--timeout <duration>');
  expect(help.out()).toContain('env: TEMPORAL_ADDRESS');
  const version = memoryIo();
  expect(await runCli(['--version'], version)).toBe(0);
  expect(version.out().trim()).toMatch(/^\d+\.\d+\.\d+$/);
});

test('help of a command the program lacks: exit 2 saying it is unknown, with the nearest command', async () => {
  for (const [argv, said, hint] of [
    [['help', 'bogus'], "unknown command 'bogus'", '`flink-deploy --help` lists the commands.'],
    [['help', 'aply'], "unknown command 'aply'", 'Did you mean apply?'],
    [['schedule', 'help', 'savepointz'], "unknown command 'savepointz'", 'Did you mean savepoints?'],
  ] as const) {
    const io = memoryIo();
    expect({ argv, code: await runCli(argv, io) }).toEqual({ argv, code: 2 });
    expect(io.err()).toContain(`error: ${said}`);
    expect(io.err()).toContain(hint);
    expect(io.out()).toBe('');
  }
  // Known commands: their help, exit 0, as before.
  for (const argv of [['help'], ['help', 'apply'], ['schedule', 'help', 'savepoints']]) {
    const io = memoryIo();
    expect({ argv, code: await runCli(argv, io) }).toEqual({ argv, code: 0 });
    expect(io.out()).toMatch(/^Usage: flink-deploy/);
  }
});

test('schedule savepoints: --keep beyond 10000, --max-age not longer than --every: exit 2 saying why', async () => {
  for (const [options, said] of [
    [['--keep', '99999999999999999999'], 'expected a whole number from 1 to 10000'],
    [['--keep', '10001'], 'expected a whole number from 1 to 10000'],
    [
      ['--max-age', '1s'],
      '--max-age 1s is not longer than --every 10m: each savepoint would be older than the max age by the time ' +
        'the next one is taken, so retention would keep only the newest (not 5, as --keep says)',
    ],
    [['--max-age', '10m', '--keep', '1'], '--max-age 10m is not longer than --every 10m'],
  ] as const) {
    const io = memoryIo({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const started = Date.now();
    const argv = ['schedule', 'savepoints', 'basic-example', '--every', '10m', ...options];
    expect({ options, code: await runCli(argv, io) }).toEqual({ options, code: 2 });
    expect(io.err()).toContain(said);
    expect(Date.now() - started).toBeLessThan(2_000); // Temporal not asked
  }
});
