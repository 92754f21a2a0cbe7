/**
 * On the whole local stack: Flink's StateMachineExample (keyed state) deployed at parallelism 1 with
 * `pipeline.max-parallelism: 2`. An upgrade to parallelism 3 (the key removed) is refused by the pre-flight:
 * exit 2, InvalidSpec naming the bound, and the old job keeps RUNNING with nothing recorded or taken. The upgrade
 * to the bound, 2, then runs and the new job restores from the upgrade's savepoint.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { statefulVertices } from '../../src/activities/state-parallelism';
import { stateMachineExample } from '../support/counter-job';
import { E2eEnv, eventually, flinkOf, readRecord } from '../support/e2e';

const env = new E2eEnv('e2e-state-parallelism');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const wait = ['--wait', '--timeout', '5m'];
const app = 'machine';

/** The counter manifest, running Flink's StateMachineExample instead (NATIVE savepoints: its state is async). */
function manifest(parallelism: number, config: Record<string, string> = {}): string {
  const file = env.manifest(app, {
    parallelism,
    flinkConfiguration: { 'kubernetes.operator.savepoint.format.type': 'NATIVE', ...config },
  });
  const text = readFileSync(file, 'utf8')
    .replace(/jarURI: .*/, 'jarURI: local:///opt/flink/usrlib/StateMachineExample.jar')
    .replace(/entryClass: .*/, `entryClass: ${stateMachineExample.mainClass}`)
    .replace(/args: .*/, 'args: ["--rps", "20"]');
  writeFileSync(file, text);
  return file;
}

test('over the max parallelism of the state: exit 2 before the stop; the upgrade to the bound runs', async () => {
  expect((await env.cli(['apply', '-f', manifest(1, { 'pipeline.max-parallelism': '2' }), ...wait])).code).toBe(0);
  const running = await readRecord(env.namespace, app);
  const flink = await flinkOf(env.namespace, app);
  await eventually('a completed checkpoint with state', async () => {
    const state = await statefulVertices(flink, running.jobId!).catch(() => undefined);
    return state && state.vertices.length > 0 ? true : undefined;
  });

  const over = await env.cli(['apply', '-f', manifest(3), ...wait, '--output', 'json']);

  expect(over.code).toBe(2);
  const report = JSON.parse(over.stdout) as { status: string; failureType: string; message?: string };
  expect(report).toMatchObject({ status: 'failed', failureType: 'InvalidSpec' });
  expect(over.stdout).toContain('spec.job.parallelism 3 is over the max parallelism the state of job');
  expect(over.stdout).toContain('Set spec.job.parallelism to 2 or less');
  const after = await readRecord(env.namespace, app);
  expect(after.jobId).toBe(running.jobId);
  expect(after.generation).toBe(running.generation);
  expect(after.status).toBe('running');
  expect(after.savepoints.filter((s) => s.kind === 'upgrade')).toHaveLength(0);
  expect((await flink.jobDetails(running.jobId!)).state).toBe('RUNNING');

  const fits = await env.cli(['apply', '-f', manifest(2), ...wait, '--output', 'json']);
  expect({ code: fits.code, stderr: fits.stderr }).toMatchObject({ code: 0 });
  const upgraded = await readRecord(env.namespace, app);
  const savepoint = upgraded.savepoints.find((s) => s.kind === 'upgrade')!;
  expect(upgraded.restoredFrom).toBe(savepoint.location);
  const restored = await (await flinkOf(env.namespace, app)).checkpoints(upgraded.jobId!);
  expect(restored.latestRestored).toMatchObject({ isSavepoint: true, externalPath: savepoint.location });
});
