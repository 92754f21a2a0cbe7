/**
 * `apply` with several manifests, in-process and without servers: what makes a fleet, every bad
 * input refused with exit 2 before anything is read from a cluster or started, and the rollout's
 * exit codes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { fleetNotesText, isFleet, requireFleetSpecs } from '../../../src/cli/fleet-manifests';
import type { CliError } from '../../../src/cli/errors';
import { refuseUnfitSessionClusters } from '../../../src/cli/session-job-check';
import type { Settings } from '../../../src/config/settings';
import { exitCodeForFleet } from '../../../src/cli/fleet-view';
import { memoryIo } from './memory-io';
import { counterManifest } from '../../support/counter-spec';

const counter = counterManifest;
function folderOf(manifests: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleet-'));
  for (const [file, text] of Object.entries(manifests)) writeFileSync(path.join(dir, file), text);
  return dir;
}
const named = (name: string) => counter.replace('name: counter', `name: ${name}`);

test('a fleet: several -f, or a folder; one file is the single apply', () => {
  const dir = folderOf({ 'a.yaml': named('a'), 'b.yml': named('b'), 'notes.txt': 'x' });
  expect(isFleet([path.join(dir, 'a.yaml')])).toBe(false);
  expect(isFleet(['-'])).toBe(false);
  expect(isFleet([path.join(dir, 'a.yaml'), path.join(dir, 'b.yml')])).toBe(true);
  expect(isFleet([dir])).toBe(true);
  expect(requireFleetSpecs([dir]).manifests.map((m) => m.spec.name)).toEqual(['a', 'b']);
});

test('what a fleet manifest has that is ignored or run differently is said, file by file', () => {
  const dir = folderOf({ 'a.yaml': named('a').replace('spec:\n', 'spec:\n  mode: native\n'), 'b.yaml': named('b') });
  const { notes } = requireFleetSpecs([dir]);
  expect(notes.map((n) => [path.basename(n.file), n.notes.map((note) => note.path)])).toEqual([
    ['a.yaml', ['spec.mode']],
  ]);
  expect(fleetNotesText(notes)).toMatch(/a\.yaml:\nnote: spec\.mode: .*standalone/);
});

test("one file holding a session cluster and its jobs (the Apache operator's example): a fleet of 3", async () => {
  const example = path.join(__dirname, '../../fixtures/apache-operator/basic-session-deployment-and-job.yaml');
  expect(isFleet([example])).toBe(true);
  const specs = requireFleetSpecs([example], 'team').manifests.map((m) => m.spec);
  expect(specs.map((s) => [s.name, s.sessionCluster === true, s.sessionJob?.deploymentName])).toEqual([
    ['basic-session-deployment-example', true, undefined],
    ['basic-session-job-example', false, 'basic-session-deployment-example'],
    ['basic-session-job-example2', false, 'basic-session-deployment-example'],
  ]);
  // Its jobs ask 4 and 2 slots; the cluster sets no taskManager.replicas, so it starts TaskManagers on demand.
  expect(specs[0]!.taskManager.onDemand).toBe(true);
  await expect(refuseUnfitSessionClusters({} as Settings, specs)).resolves.toBeUndefined();
  // With a fixed number of TaskManagers (1 × 1 slot), refused before anything starts, both jobs named.
  const fixed = specs.map((s) =>
    s.sessionCluster ? { ...s, taskManager: { ...s.taskManager, onDemand: undefined } } : s,
  );
  const refused = await refuseUnfitSessionClusters({} as Settings, fixed).then(
    () => undefined,
    (err: unknown) => err as CliError,
  );
  expect(refused?.code).toBe('InvalidSpec');
  expect(refused?.message).toContain(
    'FlinkSessionJob team/basic-session-job-example: basic-session-job-example needs 4 slot(s) ' +
      '(spec.job.parallelism) and session cluster team/basic-session-deployment-example has 1 free',
  );
  expect(refused?.message).toContain(
    'FlinkSessionJob team/basic-session-job-example2: basic-session-job-example2 needs 2',
  );
});

test('every invalid manifest of the fleet named at once, exit 2, nothing read from a cluster', async () => {
  const dir = folderOf({
    'a.yaml': named('a'),
    'b.yaml': named('b').replace('parallelism: 2', 'parallelism: -1'),
    'c.yaml': named('c').replace('upgradeMode: savepoint', 'upgradeMode: sometimes'),
  });
  const io = memoryIo({ KUBECONFIG: '/nonexistent/kubeconfig' });
  expect(await runCli(['apply', '-f', dir, '-o', 'json'], io)).toBe(2);
  const doc = JSON.parse(io.out()) as { error: { code: string; message: string }; files: { file: string }[] };
  expect(doc.error.code).toBe('InvalidSpec');
  expect(doc.error.message).toMatch(/^2 of 3 manifests are not valid/);
  expect(doc.files.map((f) => path.basename(f.file))).toEqual(['b.yaml', 'c.yaml']);
});

test('one application twice, fleet options on one manifest, --from-scratch on a fleet: exit 2', async () => {
  const dir = folderOf({ 'a.yaml': named('a'), 'again.yaml': named('a') });
  const twice = memoryIo();
  expect(await runCli(['apply', '-f', dir], twice)).toBe(2);
  expect(twice.err()).toMatch(/one manifest per application: default\/a \(.*a\.yaml and .*again\.yaml\)/);

  const single = memoryIo();
  expect(await runCli(['apply', '-f', path.join(dir, 'a.yaml'), '--canary', 'a', '--concurrency', '3'], single)).toBe(
    2,
  );
  expect(single.err()).toContain('--canary, --concurrency: only for a fleet rollout');

  const other = folderOf({ 'a.yaml': named('a'), 'b.yaml': named('b') });
  const scratch = memoryIo();
  expect(await runCli(['apply', '-f', other, '--from-scratch'], scratch)).toBe(2);
  expect(scratch.err()).toContain('--from-scratch: only for one manifest');

  const badConcurrency = memoryIo();
  expect(await runCli(['apply', '-f', other, '--concurrency', '0'], badConcurrency)).toBe(2);
});

test('the exit code of each rollout outcome', () => {
  expect(exitCodeForFleet('succeeded')).toBe(0);
  expect(exitCodeForFleet('rolled-back')).toBe(3);
  expect(exitCodeForFleet('failed')).toBe(1);
  expect(exitCodeForFleet('aborted')).toBe(1);
  expect(exitCodeForFleet('partial')).toBe(5);
});

test('a bad --rollout-id, a --canary no application has: exit 2 before the cluster is read', async () => {
  const dir = folderOf({ 'a.yaml': named('a'), 'b.yaml': named('b') });
  for (const [option, said] of [
    [['--rollout-id', 'bad id'], '--rollout-id "bad id": not a valid rollout id'],
    [['--canary', 'orderz'], '--canary orderz: no application of the fleet has that name'],
  ] as const) {
    // No kubeconfig: reading the cluster first would have been exit 2 for that.
    const io = memoryIo({ KUBECONFIG: '/nonexistent/kubeconfig', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect({ option, code: await runCli(['apply', '-f', dir, ...option], io) }).toEqual({ option, code: 2 });
    expect(io.err()).toContain(said);
    expect(io.err()).not.toContain('deployed state');
  }
});

test('approve, abort of what cannot be a rollout id: exit 2 at once, no Temporal (was 32 s, exit 1)', async () => {
  for (const argv of [
    ['approve', 'Bad Rollout'],
    ['abort', ''],
    ['approve', 'a'.repeat(100)],
    ['abort', 'flink-deploy-fleet/Bad'],
  ]) {
    const io = memoryIo({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const started = Date.now();
    expect({ argv, code: await runCli([...argv, '-o', 'json'], io) }).toEqual({ argv, code: 2 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(JSON.parse(io.out())).toMatchObject({
      error: { code: 'Usage', message: expect.stringMatching(/^(approve|abort) ".*": not a valid rollout id$/) },
    });
  }
});
