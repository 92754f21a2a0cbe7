/**
 * Operations on the whole local stack, with the stateful counter job: one operation per
 * application at a time, the stateless and last-state upgrades, and a savepoint that can't be
 * written (nothing torn down). Outcomes read from Flink, Kubernetes and the job's output.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  appDeploymentNames,
  countsByKey,
  expectContinuedFromCheckpoint,
  E2eEnv,
  eventually,
  flinkOf,
  localPathOf,
  newCountsOfEveryKey,
  readRecord,
  removeApp,
  sameLocation,
  startsFromOne,
} from '../support/e2e';

const env = new E2eEnv('e2e-ops');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const wait = ['--wait', '--timeout', '5m'];

// Both applies share the business-key workflow id, so Temporal refuses the second start; the
// record lock's own refusals are proven in lock.test.ts.
test(
  'two concurrent applies of different specs: exactly one ' + 'runs, the other is refused its start (exit 5)',
  async () => {
    const app = 'contended';
    const [two, three] = await Promise.all([
      env.cli(['apply', '-f', env.manifest(app, { parallelism: 2 }), ...wait]),
      env.cli(['apply', '-f', env.manifest(app, { parallelism: 3 }), ...wait]),
    ]);

    expect([two.code, three.code].sort()).toEqual([0, 5]);
    const [winner, loser] = two.code === 0 ? [2, three] : [3, two];
    expect(loser.stdout + loser.stderr).toMatch(/in progress/);
    expect(loser.stdout + loser.stderr).toContain(`flink-deploy/${env.namespace}/${app}`);
    const record = await readRecord(env.namespace, app);
    expect(record.status).toBe('running');
    expect(record.lastAppliedSpec?.job.parallelism).toBe(winner);
    expect(record.history.filter((h) => h.outcome === 'succeeded')).toHaveLength(1);
    const flink = await flinkOf(env.namespace, app);
    const jobs = await flink.listJobs();
    expect(jobs.filter((j) => j.status === 'RUNNING').map((j) => j.id)).toEqual([record.jobId]);
    const details = await flink.jobDetails(record.jobId!);
    expect(Math.max(...details.vertices.map((v) => v.parallelism))).toBe(winner);
    await removeApp(env.namespace, app);
  },
);

test(
  'a stateless upgrade cancels the job and starts fresh: ' + 'nothing restored, every key counts from 1 again',
  async () => {
    const app = 'stateless';
    expect((await env.cli(['apply', '-f', env.manifest(app, { upgradeMode: 'stateless' }), ...wait])).code).toBe(0);
    const first = await readRecord(env.namespace, app);

    const upgrade = await env.cli([
      'apply',
      '-f',
      env.manifest(app, { upgradeMode: 'stateless', parallelism: 3 }),
      ...wait,
    ]);
    expect(upgrade.code).toBe(0);

    const record = await readRecord(env.namespace, app);
    expect(record.jobId).not.toBe(first.jobId);
    expect(record.restoredFrom).toBeNull();
    const flink = await flinkOf(env.namespace, app);
    expect((await flink.jobDetails(record.jobId!)).state).toBe('RUNNING');
    expect((await flink.checkpoints(record.jobId!)).latestRestored).toBeUndefined();
    await eventually(
      'every key started over once',
      async () => {
        const starts = startsFromOne(env.outputDir(app));
        return starts.size === 4 && [...starts.values()].every((n) => n === 2) ? true : undefined;
      },
      60_000,
    );
    await removeApp(env.namespace, app);
  },
);

test(
  'a last-state upgrade restores from the latest ' + 'checkpoint (not a savepoint), and the counter continues',
  async () => {
    const app = 'laststate';
    const [oldOut, newOut] = [env.outputDir(app, 'gen-1'), env.outputDir(app, 'gen-2')];
    expect(
      (await env.cli(['apply', '-f', env.manifest(app, { upgradeMode: 'last-state', output: oldOut }), ...wait])).code,
    ).toBe(0);
    const first = await readRecord(env.namespace, app);
    await newCountsOfEveryKey(oldOut);

    const upgrade = await env.cli([
      'apply',
      '-f',
      env.manifest(app, { upgradeMode: 'last-state', parallelism: 3, output: newOut }),
      ...wait,
    ]);
    expect(upgrade.code).toBe(0);

    const record = await readRecord(env.namespace, app);
    expect(record.jobId).not.toBe(first.jobId);
    const checkpoint = record.savepoints.find((s) => s.kind === 'checkpoint');
    expect(checkpoint?.jobId).toBe(first.jobId);
    expect(sameLocation(record.restoredFrom, checkpoint?.location)).toBe(true);
    const flink = await flinkOf(env.namespace, app);
    expect((await flink.jobDetails(record.jobId!)).state).toBe('RUNNING');
    const restored = (await flink.checkpoints(record.jobId!)).latestRestored;
    // Flink reports is_savepoint true for anything restored through the recovery path: what
    // tells a checkpoint is where it lies, `<checkpoints dir>/<old job id>/chk-<n>`, not a savepoint.
    expect(localPathOf(restored?.externalPath ?? '')).toMatch(
      new RegExp(`^${path.join(env.dir, app, 'checkpoints', first.jobId!)}/chk-\\d+/?$`),
    );
    expect(sameLocation(restored?.externalPath, checkpoint?.location)).toBe(true);
    // The counter continued from the checkpoint, never beyond the old job's last count.
    expectContinuedFromCheckpoint(countsByKey(oldOut), await newCountsOfEveryKey(newOut));
    await removeApp(env.namespace, app);
  },
);

test(
  'a savepoint that cannot be written: exit 1 with ' + 'SavepointFailed, the old job keeps RUNNING, nothing is deleted',
  async () => {
    const app = 'nowrite';
    expect((await env.cli(['apply', '-f', env.manifest(app), ...wait])).code).toBe(0);
    const running = await readRecord(env.namespace, app);
    const deployments = await appDeploymentNames(env.namespace, app);
    expect(deployments.length).toBeGreaterThanOrEqual(2);
    // Root ignores directory permissions: a regular FILE where the savepoint folder should be
    // makes every savepoint fail to write.
    const savepointDir = path.join(env.dir, app, 'savepoints');
    rmSync(savepointDir, { recursive: true, force: true });
    writeFileSync(savepointDir, 'not a directory\n');

    const upgrade = await env.cli(['apply', '-f', env.manifest(app, { parallelism: 3 }), ...wait, '--output', 'json']);

    expect(upgrade.code).toBe(1);
    expect(JSON.parse(upgrade.stdout)).toMatchObject({ status: 'failed', failureType: 'SavepointFailed', exitCode: 1 });
    const record = await readRecord(env.namespace, app);
    expect(record.jobId).toBe(running.jobId);
    expect(record.generation).toBe(running.generation);
    expect(record.status).toBe('running');
    expect(record.operation).toBeNull();
    expect(record.savepoints.filter((s) => s.kind === 'upgrade')).toHaveLength(0);
    const flink = await flinkOf(env.namespace, app);
    expect((await flink.jobDetails(running.jobId!)).state).toBe('RUNNING');
    expect((await flink.listJobs()).filter((j) => j.status === 'RUNNING').map((j) => j.id)).toEqual([running.jobId]);
    expect((await appDeploymentNames(env.namespace, app)).sort()).toEqual([...deployments].sort());
    rmSync(savepointDir, { force: true });
    await removeApp(env.namespace, app);
  },
);
