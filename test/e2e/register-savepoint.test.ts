/**
 * A FlinkStateSnapshot registering an existing savepoint, on the whole local stack: a real savepoint of the
 * counter job, copied to a directory flink-deploy never recorded (savepoints are relocatable), registered in
 * the application's record by `apply -f` (dry run first; a second apply changes nothing; a missing path and an
 * application without a record are refused, exit 2, the record unchanged); `rollback --to-savepoint` of a missing
 * one is refused before the job stops; then `rollback --to-savepoint` the copy: Flink's job runs restored from THAT
 * copy.
 */
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { E2eEnv, expectRestoredFrom, flinkOf, localPathOf, readRecord, removeApp } from '../support/e2e';

const env = new E2eEnv('e2e-register');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const wait = ['--wait', '--timeout', '5m'];

function snapshotFile(name: string, savepointPath: string, app: string): string {
  const file = path.join(env.dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: flink.apache.org/v1beta1
kind: FlinkStateSnapshot
metadata: {name: ${name}, namespace: ${env.namespace}}
spec:
  savepoint: {alreadyExists: true, disposeOnDelete: false, path: "${savepointPath}"}
  jobReference: {kind: FlinkDeployment, name: ${app}}
`,
  );
  return file;
}

test('a registered savepoint: recorded once, refused when missing, restored by rollback --to-savepoint', async () => {
  const app = 'registered';
  expect((await env.cli(['apply', '-f', env.manifest(app), ...wait])).code).toBe(0);
  const taken = await env.cli(['savepoint', app, '-n', env.namespace, ...wait, '-o', 'json']);
  expect(taken.code).toBe(0);
  const original = localPathOf((JSON.parse(taken.stdout) as { savepoint: string }).savepoint);
  const copy = path.join(env.dir, 'kept-savepoints', path.basename(original));
  cpSync(original, copy, { recursive: true });
  expect(existsSync(path.join(copy, '_metadata'))).toBe(true);
  const location = `file://${copy}`;
  const snapshot = snapshotFile('kept', location, app);

  const dry = await env.cli(['apply', '-f', snapshot, '--dry-run', '-o', 'json']);
  expect(dry.code).toBe(0);
  expect(JSON.parse(dry.stdout)).toMatchObject({
    dryRun: true,
    operation: 'savepoint',
    register: { path: location },
    app: { namespace: env.namespace, name: app },
  });
  expect(JSON.parse(dry.stdout).register.alreadyRecorded).toBeUndefined();
  expect((await readRecord(env.namespace, app)).savepoints.map((s) => s.kind)).toEqual(['manual']);

  const registered = await env.cli(['apply', '-f', snapshot, ...wait]);
  expect(registered.code).toBe(0);
  expect(registered.stdout + registered.stderr).toContain(`savepoint ${location} registered in the record`);
  const record = await readRecord(env.namespace, app);
  expect(record.savepoints.filter((s) => s.kind === 'registered')).toEqual([
    expect.objectContaining({ location, disposed: false, triggerId: null, jobId: null }),
  ]);

  const again = await env.cli(['apply', '-f', snapshot, ...wait, '-o', 'json']);
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'no-change' });
  expect(JSON.parse(again.stdout).message).toContain('is already registered');
  expect((await readRecord(env.namespace, app)).savepoints).toEqual(record.savepoints);
  const dryAgain = await env.cli(['apply', '-f', snapshot, '--dry-run', '-o', 'json']);
  expect(JSON.parse(dryAgain.stdout).register.alreadyRecorded).toEqual({ location, kind: 'registered' });

  const status = await env.cli(['status', app, '-n', env.namespace]);
  expect(status.stdout).toMatch(new RegExp(`registered +${location.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));

  const missing = `file://${path.join(env.dir, 'kept-savepoints', 'savepoint-never-written')}`;
  const refused = await env.cli(['apply', '-f', snapshotFile('missing', missing, app), ...wait]);
  expect(refused.code).toBe(2);
  expect(refused.stdout + refused.stderr).toContain(`savepoint ${missing} cannot be registered`);
  const noRecord = await env.cli(['apply', '-f', snapshotFile('nobody', location, 'nobody')]);
  expect(noRecord.code).toBe(2);
  expect(noRecord.stderr).toContain('has no deployed state');
  expect(noRecord.stderr).toContain('Nothing was started');
  expect((await readRecord(env.namespace, app)).savepoints).toEqual(record.savepoints);

  // A missing savepoint named to roll back to: refused before the job is stopped (exit 2); Flink runs the same job.
  const runningJob = (await readRecord(env.namespace, app)).jobId!;
  const noSuch = await env.cli(['rollback', app, '-n', env.namespace, '--to-savepoint', missing, ...wait]);
  expect(noSuch.code).toBe(2);
  expect(noSuch.stdout + noSuch.stderr).toContain(`savepoint ${missing} cannot be restored from`);
  expect(noSuch.stderr).toContain(`or roll back to the latest: flink-deploy rollback ${app} -n ${env.namespace}`);
  expect((await (await flinkOf(env.namespace, app)).jobDetails(runningJob)).state).toBe('RUNNING');
  expect(await readRecord(env.namespace, app)).toMatchObject({ jobId: runningJob, status: 'running', operation: null });

  const rolled = await env.cli([
    'rollback',
    app,
    '-n',
    env.namespace,
    '--to-savepoint',
    location,
    ...wait,
    '-o',
    'json',
  ]);
  expect(rolled.code).toBe(0);
  const after = await readRecord(env.namespace, app);
  expect(after.restoredFrom).toBe(location);
  await expectRestoredFrom(env.namespace, app, after.jobId!, copy);
  expect(after.savepoints.find((s) => s.location === location)).toMatchObject({
    kind: 'registered',
    disposed: false,
    restoredBy: [after.jobId],
  });
  await removeApp(env.namespace, app);
});
