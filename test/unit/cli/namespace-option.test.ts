/** `-n/--namespace` of validate, plan and apply: the namespace of a manifest that names none, as kubectl's. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { stack } from '../../support/stack';
import { memoryIo } from './memory-io';

const example = path.join(stack.root, 'examples', 'ci', 'flink-app.yaml');
/** The example without `metadata.namespace`. */
const unnamed = path.join(mkdtempSync(path.join(os.tmpdir(), 'fd-ns-')), 'app.yaml');
writeFileSync(unnamed, readFileSync(example, 'utf8').replace(/^ {2}namespace: default\n/m, ''));

/** Settings that fail fast if a command got as far as Temporal or Kubernetes. */
const unreachable = { TEMPORAL_ADDRESS: '127.0.0.1:1', KUBECONFIG: '/nonexistent/kubeconfig' };

async function validateJson(argv: string[]): Promise<{ code: number; document: Record<string, unknown> }> {
  const io = memoryIo();
  const code = await runCli(['validate', ...argv, '-o', 'json'], io);
  return { code, document: JSON.parse(io.out()) as Record<string, unknown> };
}

test('the fixture names no namespace', () => {
  expect(readFileSync(unnamed, 'utf8')).not.toMatch(/namespace:/);
});

test('-n gives the namespace of a manifest that names none; without it, default', async () => {
  expect(await validateJson(['-f', unnamed, '-n', 'team-a'])).toEqual({
    code: 0,
    document: {
      valid: true,
      app: { namespace: 'team-a', name: 'basic-example' },
      documents: [
        {
          kind: 'application',
          namespace: 'team-a',
          name: 'basic-example',
          apply: 'deploys or updates the application',
        },
      ],
      errors: [],
    },
  });
  expect(await validateJson(['-f', unnamed, '--namespace', 'team-b'])).toMatchObject({
    code: 0,
    document: { app: { namespace: 'team-b' } },
  });
  expect(await validateJson(['-f', unnamed])).toMatchObject({ code: 0, document: { app: { namespace: 'default' } } });
});

test('-n naming the namespace the manifest names is accepted', async () => {
  expect(await validateJson(['-f', example, '-n', 'default'])).toMatchObject({
    code: 0,
    document: { app: { namespace: 'default' } },
  });
});

test('a manifest naming another namespace than -n: exit 2, NamespaceConflict naming both', async () => {
  const { code, document } = await validateJson(['-f', example, '-n', 'team-a']);
  expect(code).toBe(2);
  const error = document.error as { code: string; message: string; hint: string };
  expect(error.code).toBe('NamespaceConflict');
  expect(error.message).toContain('names the namespace default');
  expect(error.message).toContain('says team-a');
  expect(error.hint).toContain('Drop -n');
});

test('apply and plan refuse the conflict before reaching Temporal or the cluster (exit 2, not 1)', async () => {
  for (const argv of [
    ['apply', '-f', example, '-n', 'team-a', '--timeout', '5s'],
    ['apply', '-f', example, '-n', 'team-a', '--dry-run'],
    ['plan', '-f', example, '-n', 'team-a'],
  ]) {
    const io = memoryIo(unreachable);
    expect({ argv, code: await runCli([...argv, '-o', 'json'], io) }).toEqual({ argv, code: 2 });
    expect(JSON.parse(io.out())).toMatchObject({ error: { code: 'NamespaceConflict' }, exitCode: 2 });
  }
});

test('a malformed -n is a usage error (exit 2)', async () => {
  for (const command of ['validate', 'plan', 'apply']) {
    const io = memoryIo(unreachable);
    expect(await runCli([command, '-f', unnamed, '-n', 'Team_A', '-o', 'json'], io)).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({ error: { code: 'Usage', message: 'invalid namespace "Team_A"' } });
  }
});

test('names follow the manifest rules: a namespace may start with a digit, an app name is at most 45', async () => {
  // A namespace Kubernetes accepts (DNS-1123) that a manifest may name is accepted by every command.
  expect(await validateJson(['-f', unnamed, '-n', '1team'])).toMatchObject({
    code: 0,
    document: { app: { namespace: '1team' } },
  });
  // status gets past the names to the settings (the unreachable kubeconfig is what stops it).
  const io = memoryIo(unreachable);
  await runCli(['status', 'basic-example', '-n', '1team', '-o', 'json'], io);
  expect(JSON.parse(io.out())).toMatchObject({
    error: { message: expect.stringContaining('/nonexistent/kubeconfig') },
  });
  // The longest name a manifest allows passes the name check; one more character is refused naming the limit.
  const longest = `a${'b'.repeat(44)}`;
  const fits = memoryIo(unreachable);
  await runCli(['status', longest, '-o', 'json'], fits);
  expect(JSON.parse(fits.out())).toMatchObject({
    error: { message: expect.stringContaining('/nonexistent/kubeconfig') },
  });
  const tooLong = memoryIo(unreachable);
  expect(await runCli(['status', `${longest}c`, '-o', 'json'], tooLong)).toBe(2);
  expect(JSON.parse(tooLong.out())).toMatchObject({
    error: { code: 'Usage', message: `invalid application name "${longest}c"`, hint: expect.stringContaining('45') },
  });
});
