/**
 * Issue 11 item 5: a new version whose image cannot be pulled is rolled back on its own, and
 * the rollback judges only the generation it waits for (the failed generation's pods, still
 * in ImagePullBackOff while they go, are not the rollback's): UpgradeRolledBack, the old
 * version running again from the same savepoint, not RollbackFailed.
 */
import { E2eEnv, flinkOf, readRecord, removeApp, sameLocation } from '../support/e2e';

const env = new E2eEnv('e2e-rbimage');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

test(
  'an image that cannot be pulled (flink:9.9) rolls back to ' + 'the old version from the same savepoint (exit 3)',
  async () => {
    const app = 'pull';
    const deploy = await env.cli(['apply', '-f', env.manifest(app, { windowSeconds: 4 }), '--wait', '--timeout', '5m']);
    expect(deploy.code).toBe(0);
    const stable = await readRecord(env.namespace, app);

    const bad = await env.cli([
      'apply',
      '-f',
      env.manifest(app, { image: 'flink:9.9', windowSeconds: 4 }),
      '--wait',
      '--timeout',
      '6m',
    ]);

    expect({ code: bad.code, output: bad.stdout + bad.stderr }).toMatchObject({ code: 3 });
    expect(bad.stdout + bad.stderr).toMatch(/rolled back/);
    expect(bad.stdout + bad.stderr).not.toMatch(/RollbackFailed|rollback failed/);
    const record = await readRecord(env.namespace, app);
    const savepoint = record.savepoints.find((s) => s.kind === 'upgrade');
    expect(savepoint?.jobId).toBe(stable.jobId);
    expect(record.status).toBe('running');
    expect(record.lastStableSpec?.image).toBe('flink:2.3');
    expect(record.history.at(-1)).toMatchObject({ outcome: 'rolled-back' });
    const flink = await flinkOf(env.namespace, app);
    expect((await flink.jobDetails(record.jobId!)).state).toBe('RUNNING');
    const checkpoints = await flink.checkpoints(record.jobId!);
    expect(sameLocation(checkpoints.latestRestored?.externalPath, savepoint?.location)).toBe(true);
    await removeApp(env.namespace, app);
  },
);
