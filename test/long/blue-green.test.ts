/**
 * Blue/green generations on the whole local stack (issue 15), with the stateful counter job:
 * deployed with `upgrade.strategy: blue-green`, upgraded (each key's count continues from THAT
 * savepoint, Flink says it restored from it, the two-jobs watcher never sees two RUNNING jobs,
 * the old generation is gone after), then a broken version rolls back onto the generation still
 * standing, from the upgrade's savepoint; then suspend (a savepoint, the live generation removed)
 * and resume (a new generation, from THAT savepoint: each key's count continues).
 */
import {
  appDeploymentNames,
  continuity,
  countsByKey,
  E2eEnv,
  eventually,
  flinkOf,
  markOutput,
  newCountsOfEveryKey,
  readRecord,
  removeApp,
  sameLocation,
} from '../support/e2e';
import { watchForTwoJobs } from '../support/two-jobs-watcher';

const env = new E2eEnv('long-bluegreen');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const app = 'bg';
// A stability timeout for JVMs starting on a loaded 2-core machine.
const blueGreen = { upgradeStrategy: 'blue-green' as const, timeoutSeconds: 300 };
/** The exit code with the CLI's words, so a failure shows why. */
const outcome = (r: { code: number; stdout: string; stderr: string }) => ({ code: r.code, said: r.stdout + r.stderr });

test('blue-green upgrade: new cluster first, restored from THAT savepoint, one RUNNING job, old gone', async () => {
  const [oldOut, newOut] = [env.outputDir(app, 'gen-1'), env.outputDir(app, 'gen-2')];
  const deploy = await env.cli([
    'apply',
    '-f',
    env.manifest(app, { ...blueGreen, parallelism: 2, output: oldOut }),
    '--wait',
    '--timeout',
    '10m',
  ]);
  expect(outcome(deploy)).toMatchObject({ code: 0 });
  const first = await readRecord(env.namespace, app);
  expect(first).toMatchObject({ status: 'running', generation: 1 });
  expect(await appDeploymentNames(env.namespace, app)).toEqual(['bg-g1-jobmanager', 'bg-g1-taskmanager']);
  await newCountsOfEveryKey(oldOut);

  const watcher = watchForTwoJobs(env.namespace, app);
  const upgrade = await env.cli([
    'apply',
    '-f',
    env.manifest(app, { ...blueGreen, parallelism: 3, output: newOut }),
    '--wait',
    '--timeout',
    '10m',
  ]);
  const seen = await watcher.stop();
  expect(outcome(upgrade)).toMatchObject({ code: 0 });
  expect(upgrade.stdout + upgrade.stderr).toMatch(/blue-green/);

  const record = await readRecord(env.namespace, app);
  expect(record.generation).toBe(2);
  const savepoint = record.savepoints.find((s) => s.kind === 'upgrade');
  expect(savepoint?.jobId).toBe(first.jobId);
  expect(record.restoredFrom).toBe(savepoint?.location);
  const flink = await flinkOf(env.namespace, app);
  const checkpoints = await flink.checkpoints(record.jobId!);
  expect(checkpoints.latestRestored?.isSavepoint).toBe(true);
  expect(sameLocation(checkpoints.latestRestored?.externalPath, savepoint!.location)).toBe(true);
  const details = await flink.jobDetails(record.jobId!);
  expect(details.state).toBe('RUNNING');
  expect(Math.max(...details.vertices.map((v) => v.parallelism))).toBe(3);
  // Each key's count continues from the savepoint the old job stopped with.
  const keys = continuity(countsByKey(oldOut), await newCountsOfEveryKey(newOut));
  expect(keys).toEqual(keys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));
  // Never two RUNNING jobs, though both generations' JobManagers were up at once.
  expect(seen.answeredSamples).toBeGreaterThan(10);
  expect(seen.maxRunningJobs).toBe(1);
  expect(seen.maxLiveJobManagers).toBe(2);
  expect([...seen.runningJobIds].sort()).toEqual([first.jobId, record.jobId].sort());
  // The old generation is gone.
  expect(await appDeploymentNames(env.namespace, app)).toEqual(['bg-g2-jobmanager', 'bg-g2-taskmanager']);
});

test('a broken version rolls back onto the generation still standing, from the same savepoint', async () => {
  const stable = await readRecord(env.namespace, app);
  const watcher = watchForTwoJobs(env.namespace, app);
  const bad = await env.cli([
    'apply',
    '-f',
    env.manifest(app, {
      ...blueGreen,
      parallelism: 3,
      output: env.outputDir(app, 'gen-3'),
      extraArgs: ['--fail-after-records', '0'],
    }),
    '--wait',
    '--timeout',
    '10m',
  ]);
  const seen = await watcher.stop();

  expect(outcome(bad)).toMatchObject({ code: 3 });
  expect(bad.stdout + bad.stderr).toMatch(/runs again on generation 2/);
  const record = await readRecord(env.namespace, app);
  expect(record).toMatchObject({ status: 'running', generation: 2 });
  expect(record.jobId).not.toBe(stable.jobId);
  expect(record.lastStableSpec?.job.args).not.toContain('--fail-after-records');
  const savepoint = record.savepoints.filter((s) => s.kind === 'upgrade').at(-1);
  expect(savepoint?.jobId).toBe(stable.jobId);
  const flink = await flinkOf(env.namespace, app);
  const checkpoints = await flink.checkpoints(record.jobId!);
  expect(sameLocation(checkpoints.latestRestored?.externalPath, savepoint!.location)).toBe(true);
  await eventually('the rolled-back job RUNNING', async () =>
    (await flink.jobDetails(record.jobId!)).state === 'RUNNING' ? true : undefined,
  );
  expect(seen.maxRunningJobs).toBeLessThanOrEqual(1);
  expect(await appDeploymentNames(env.namespace, app)).toEqual(['bg-g2-jobmanager', 'bg-g2-taskmanager']);
});

test('suspend: a savepoint, the live generation removed; resume: a new generation from THAT savepoint', async () => {
  const running = await readRecord(env.namespace, app);
  const out = env.outputDir(app, 'gen-2'); // the last stable spec's output, running again after the rollback
  await newCountsOfEveryKey(out, { since: markOutput(out) });
  const ns = ['-n', env.namespace];

  const suspend = await env.cli(['suspend', app, ...ns, '--wait', '--timeout', '10m']);

  expect(outcome(suspend)).toMatchObject({ code: 0 });
  const suspended = await readRecord(env.namespace, app);
  expect(suspended.status).toBe('suspended');
  const savepoint = suspended.savepoints.filter((s) => s.kind === 'suspend').at(-1);
  expect(savepoint?.jobId).toBe(running.jobId);
  expect(await appDeploymentNames(env.namespace, app)).toEqual([]);
  const atSuspend = markOutput(out);
  const countsAtSuspend = countsByKey(out);

  const resume = await env.cli(['resume', app, ...ns, '--wait', '--timeout', '10m']);

  expect(outcome(resume)).toMatchObject({ code: 0 });
  const resumed = await readRecord(env.namespace, app);
  expect(resumed).toMatchObject({ status: 'running', generation: running.generation + 1 });
  expect(resumed.restoredFrom).toBe(savepoint!.location);
  const flink = await flinkOf(env.namespace, app);
  const checkpoints = await flink.checkpoints(resumed.jobId!);
  expect(checkpoints.latestRestored?.isSavepoint).toBe(true);
  expect(sameLocation(checkpoints.latestRestored?.externalPath, savepoint!.location)).toBe(true);
  // Each key's count continues from the suspend savepoint (nothing was written after the stop).
  const keys = continuity(countsAtSuspend, await newCountsOfEveryKey(out, { since: atSuspend }));
  expect(keys).toEqual(keys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));
  expect(await appDeploymentNames(env.namespace, app)).toEqual([
    `bg-g${resumed.generation}-jobmanager`,
    `bg-g${resumed.generation}-taskmanager`,
  ]);
  await removeApp(env.namespace, app);
});
