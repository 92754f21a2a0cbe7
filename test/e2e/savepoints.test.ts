/**
 * Savepoints on the whole local stack, with the stateful counter job: a manual savepoint (the
 * job keeps running; another in the directory and format asked, `--target-directory`, `--format`), and
 * periodic savepoints by a Temporal Schedule with retention by count: the savepoints beyond it are disposed
 * (gone from disk), never the one the job restored from.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { E2eEnv, eventually, flinkOf, localPathOf, readRecord, removeApp } from '../support/e2e';

const env = new E2eEnv('e2e-savepoints');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const wait = ['--wait', '--timeout', '5m'];

test('a manual savepoint is recorded and written to disk; the job keeps RUNNING with the same id', async () => {
  const app = 'manual';
  expect((await env.cli(['apply', '-f', env.manifest(app), ...wait])).code).toBe(0);
  const running = await readRecord(env.namespace, app);

  const taken = await env.cli(['savepoint', app, '-n', env.namespace, ...wait]);

  expect(taken.code).toBe(0);
  const record = await readRecord(env.namespace, app);
  const manual = record.savepoints.filter((s) => s.kind === 'manual');
  expect(manual).toHaveLength(1);
  expect(manual[0]).toMatchObject({ jobId: running.jobId, disposed: false });
  expect(existsSync(localPathOf(manual[0]!.location))).toBe(true);
  expect(existsSync(`${localPathOf(manual[0]!.location)}/_metadata`)).toBe(true);
  expect(record.jobId).toBe(running.jobId);
  expect(record.generation).toBe(running.generation);
  const flink = await flinkOf(env.namespace, app);
  expect((await flink.jobDetails(running.jobId!)).state).toBe('RUNNING');
  // Flink itself counts the savepoint among the job's completed checkpoints. Its checkpoint statistics
  // are cached for a few seconds (rest.cache.checkpoint-statistics.timeout), so it says so once they refresh.
  await eventually(
    "Flink lists the manual savepoint as the job's latest",
    async () => {
      const latest = (await flink.checkpoints(running.jobId!)).latestSavepoint;
      return localPathOf(latest?.externalPath ?? '') === localPathOf(manual[0]!.location) ? true : undefined;
    },
    30_000,
  );

  // Another, where and in the format the command asks (as a FlinkStateSnapshot's path and formatType do).
  const custom = path.join(env.dir, app, 'custom');
  const asked = ['--target-directory', `file://${custom}`, '--format', 'NATIVE', '-o', 'json'];
  const native = await env.cli(['savepoint', app, '-n', env.namespace, ...wait, ...asked]);
  expect({ code: native.code, err: native.code === 0 ? '' : native.stderr }).toEqual({ code: 0, err: '' });
  const location = (JSON.parse(native.stdout) as { savepoint: string }).savepoint;
  expect(path.dirname(localPathOf(location))).toBe(custom);
  expect(existsSync(`${localPathOf(location)}/_metadata`)).toBe(true);
  const listed = await eventually(
    'Flink lists the savepoint in the directory asked',
    async () => {
      const latest = (await flink.checkpointStatistics(running.jobId!)).latest.savepoint;
      return latest && localPathOf(latest.external_path ?? '') === localPathOf(location) ? latest : undefined;
    },
    30_000,
  );
  expect(listed.savepointFormat).toBe('NATIVE');
  expect((await readRecord(env.namespace, app)).savepoints.map((s) => localPathOf(s.location))).toContain(
    localPathOf(location),
  );
  await removeApp(env.namespace, app);
});

test(
  'a savepoint schedule takes savepoints and disposes those beyond --keep, never the one the job was ' +
    'restored from',
  async () => {
    const app = 'periodic';
    expect((await env.cli(['apply', '-f', env.manifest(app, { parallelism: 2 }), ...wait])).code).toBe(0);
    // A savepoint upgrade, so the running job is restored from a savepoint retention must spare.
    expect((await env.cli(['apply', '-f', env.manifest(app, { parallelism: 3 }), ...wait])).code).toBe(0);
    const upgraded = await readRecord(env.namespace, app);
    expect(upgraded.restoredFrom).toBeTruthy();

    const created = await env.cli([
      'schedule',
      'savepoints',
      app,
      '-n',
      env.namespace,
      '--every',
      '10s',
      '--keep',
      '2',
    ]);
    expect(created.code).toBe(0);
    try {
      await eventually(
        'at least 4 periodic savepoints, at least 2 of them disposed',
        async () => {
          const periodic = (await readRecord(env.namespace, app)).savepoints.filter((s) => s.kind === 'periodic');
          return periodic.length >= 4 && periodic.filter((s) => s.disposed).length >= 2 ? true : undefined;
        },
        180_000,
      );
    } finally {
      expect((await env.cli(['schedule', 'delete', app, '-n', env.namespace])).code).toBe(0);
    }
    // Let the run in flight (if any) finish its disposals.
    const record = await eventually(
      'no operation or disposal in flight',
      async () => {
        const r = await readRecord(env.namespace, app);
        return r.operation === null && !r.savepoints.some((s) => s.disposalPending) ? r : undefined;
      },
      60_000,
    );

    const periodic = record.savepoints.filter((s) => s.kind === 'periodic');
    const disposed = periodic.filter((s) => s.disposed);
    expect(disposed.length).toBeGreaterThanOrEqual(2);
    for (const s of disposed)
      expect({ location: s.location, onDisk: existsSync(localPathOf(s.location)) }).toEqual({
        location: s.location,
        onDisk: false,
      });
    const kept = periodic.filter((s) => !s.disposed);
    expect(kept).toHaveLength(2);
    for (const s of kept)
      expect({ location: s.location, onDisk: existsSync(localPathOf(s.location)) }).toEqual({
        location: s.location,
        onDisk: true,
      });
    // The savepoint the running job was restored from is beyond --keep, yet spared.
    expect(record.jobId).toBe(upgraded.jobId);
    expect(record.restoredFrom).toBe(upgraded.restoredFrom);
    const restoredFrom = record.savepoints.find((s) => s.location === upgraded.restoredFrom);
    expect(restoredFrom?.disposed).toBe(false);
    expect(existsSync(localPathOf(upgraded.restoredFrom!))).toBe(true);
    const flink = await flinkOf(env.namespace, app);
    expect((await flink.jobDetails(upgraded.jobId!)).state).toBe('RUNNING');
    await removeApp(env.namespace, app);
  },
);
