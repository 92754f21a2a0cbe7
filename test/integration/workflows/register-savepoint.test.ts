/**
 * registerSavepoint (a FlinkStateSnapshot with `alreadyExists: true`) on the time-skipping test server, with
 * the in-memory cluster and the REAL savepoint check on savepoint directories made here: recorded as kind
 * `registered` under the lock, once; a missing one refused with the record's savepoints unchanged; never
 * disposed by retention or delete, never the "latest" resume picks; restored from when named by rollback.
 */
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAppSpec } from '../../../src/spec';
import type { RegisterSavepointInput } from '../../../src/contract/workflow-inputs';
import { emptyRecord } from '../../../src/k8s/state-record/types';
import type { AppSpec } from '../../../src/spec/types';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { failureOf } from '../../support/workflow-failure';
import { counterSpec } from '../../support/counter-spec';

const spec = counterSpec();
const app = { namespace: spec.namespace, name: spec.name };
const dir = mkdtempSync(path.join(tmpdir(), 'fd-register-'));

/** A savepoint directory as Flink leaves it (with its _metadata), or without one. */
function savepointDir(name: string, withMetadata = true): string {
  const target = path.join(dir, name);
  mkdirSync(target, { recursive: true });
  if (withMetadata) writeFileSync(path.join(target, '_metadata'), 'state');
  return target;
}

const kit = workflowRunner('register');

const register = (cluster: InMemoryCluster, input: Omit<RegisterSavepointInput, 'app'>, at = app) =>
  kit.run(cluster, 'registerSavepoint', { app: at, ...input });

async function deployed(): Promise<InMemoryCluster> {
  const cluster = new InMemoryCluster();
  expect((await kit.run(cluster, 'apply', { spec })).outcome).toBe('succeeded');
  return cluster;
}

test('an existing savepoint is checked, then recorded as registered under the lock; the job untouched', async () => {
  const cluster = await deployed();
  const jobId = cluster.record!.jobId;
  const location = `file://${savepointDir('savepoint-aaaaaa-000000000001')}`;

  const result = await register(cluster, { path: location, jobKind: 'FlinkDeployment' });

  expect(result).toMatchObject({ operation: 'savepoint', outcome: 'succeeded', savepoint: location });
  expect(result.message).toContain(`savepoint ${location} registered in the record of default/counter`);
  expect(result.message).toContain('_metadata found');
  expect(result.message).toContain(`flink-deploy rollback counter -n default --to-savepoint ${location}`);
  const mtime = statSync(path.join(dir, 'savepoint-aaaaaa-000000000001', '_metadata')).mtime.toISOString();
  expect(cluster.record!.savepoints).toEqual([
    { location, kind: 'registered', time: mtime, triggerId: null, jobId: null, disposed: false },
  ]);
  // Under the lock: taken, released, recorded in the history; nothing asked of Flink.
  const names = cluster.calls.map((c) => c.name);
  expect(names.slice(names.lastIndexOf('beginOperation'))).toEqual([
    'beginOperation',
    'checkSavepoint',
    'updateRecord',
  ]);
  expect(
    cluster.calls.find(
      (c) => c.name === 'beginOperation' && (c.input as { operation: string }).operation === 'savepoint',
    )?.input,
  ).toMatchObject({
    intent: { register: location },
  });
  expect(cluster.record).toMatchObject({ operation: null, jobId, status: 'running' });
  expect(cluster.record!.history.at(-1)).toMatchObject({ type: 'savepoint', outcome: 'succeeded' });
  expect(cluster.triggers).toEqual([]);
});

test('the same savepoint again, in another spelling, is one entry and says it was already registered', async () => {
  const cluster = await deployed();
  const local = savepointDir('savepoint-bbbbbb-000000000002');
  expect((await register(cluster, { path: `file://${local}` })).outcome).toBe('succeeded');
  const before = structuredClone(cluster.record!.savepoints);

  for (const again of [`file://${local}`, `file:${local}`, `${local}/`]) {
    const result = await register(cluster, { path: again });
    expect(result).toMatchObject({ outcome: 'no-change', savepoint: `file://${local}` });
    expect(result.message).toContain(
      `savepoint file://${local} is already registered in the record of default/counter`,
    );
  }
  expect(cluster.record!.savepoints).toEqual(before);
  expect(cluster.record!.operation).toBeNull();
});

test('a savepoint flink-deploy took is not registered again: nothing changes, its kind stays', async () => {
  const cluster = await deployed();
  const taken = (await kit.run(cluster, 'savepoint', { app, kind: 'manual' })).savepoint!;
  const result = await register(cluster, { path: taken });
  expect(result).toMatchObject({ outcome: 'no-change' });
  expect(result.message).toContain('a manual savepoint flink-deploy took');
  expect(cluster.record!.savepoints.map((s) => s.kind)).toEqual(['manual']);
});

test('a savepoint that does not exist: InvalidSpec naming the path; the savepoints unchanged', async () => {
  const cluster = await deployed();
  await kit.run(cluster, 'savepoint', { app, kind: 'manual' });
  const before = structuredClone(cluster.record!.savepoints);
  const gone = `file://${path.join(dir, 'savepoint-never-written')}`;
  const noMetadata = `file://${savepointDir('savepoint-half-written', false)}`;

  for (const location of [gone, noMetadata]) {
    const failure = await failureOf(register(cluster, { path: location }));
    expect(failure.type).toBe('InvalidSpec');
    expect(failure.message).toContain(`savepoint ${location} cannot be registered`);
    expect(failure.message).toContain('_metadata does not exist');
    expect(cluster.record!.savepoints).toEqual(before);
    expect(cluster.record!.operation).toBeNull();
    expect(cluster.record!.history.at(-1)).toMatchObject({ type: 'savepoint', outcome: 'failed' });
  }
});

test('an s3:// savepoint is recorded without a check, and the result says it was not checked', async () => {
  const cluster = await deployed();
  const location = 's3://flink/savepoints/savepoint-cccccc-000000000003';
  const result = await register(cluster, { path: location });
  expect(result.outcome).toBe('succeeded');
  expect(result.message).toContain('not checked: a s3:// savepoint is not checked');
  expect(cluster.record!.savepoints).toEqual([expect.objectContaining({ location, kind: 'registered' })]);
});

test('retention after several manual and periodic savepoints disposes theirs, never the registered one', async () => {
  const cluster = await deployed();
  const location = `file://${savepointDir('savepoint-dddddd-000000000004')}`;
  await register(cluster, { path: location });
  const taken: string[] = [];
  for (let i = 0; i < 3; i++)
    taken.push((await kit.run(cluster, 'savepoint', { app, kind: 'manual', retention: { keep: 1 } })).savepoint!);
  for (let i = 0; i < 2; i++)
    taken.push(
      (await kit.run(cluster, 'savepoint', { app, kind: 'periodic', retention: { keep: 1, maxAgeSeconds: 1 } }))
        .savepoint!,
    );

  expect(cluster.disposedLocations).toEqual(taken.slice(0, -1));
  expect(cluster.disposedLocations).not.toContain(location);
  expect(cluster.record!.savepoints.find((s) => s.location === location)).toEqual(
    expect.objectContaining({ kind: 'registered', disposed: false }),
  );
  expect(cluster.record!.savepoints.find((s) => s.location === location)?.disposalPending).toBeUndefined();
});

test('resume restores the suspend savepoint, never the registered one; rollback restores it when named', async () => {
  const cluster = await deployed();
  const suspended = await kit.run(cluster, 'suspend', { app });
  // Registered after the suspend: the newest entry of the record, still not what resume picks.
  const location = `file://${savepointDir('savepoint-eeeeee-000000000005')}`;
  writeFileSync(path.join(dir, 'savepoint-eeeeee-000000000005', '_metadata'), 'newer');
  await register(cluster, { path: location });

  const resumed = await kit.run(cluster, 'resume', { app });
  expect(resumed.restoredFrom).toBe(suspended.savepoint);

  const rolled = await kit.run(cluster, 'rollback', { app, toSavepoint: location });
  expect(rolled).toMatchObject({ outcome: 'succeeded', restoredFrom: location });
  expect(cluster.runningJobs()[0]?.restoredFrom).toBe(location);
  expect(cluster.record!.restoredFrom).toBe(location);
  expect(cluster.record!.savepoints.find((s) => s.location === location)).toMatchObject({
    kind: 'registered',
    restoredBy: [cluster.runningJobs()[0]!.jobId],
  });
});

test('rollback to a missing savepoint or a bad path: refused before anything stops; the job runs on', async () => {
  const cluster = await deployed();
  const jobId = cluster.record!.jobId;
  const gone = `file://${path.join(dir, 'savepoint-not-there')}`;

  const missing = await failureOf(kit.run(cluster, 'rollback', { app, toSavepoint: gone }));
  expect(missing.type).toBe('InvalidSpec');
  expect(missing.message).toContain(`savepoint ${gone} cannot be restored from`);
  expect(missing.message).toContain('_metadata does not exist');
  expect(missing.message).toContain('nothing was stopped or changed');
  // Nothing asked of Flink: no stop-with-savepoint, the same job RUNNING, the record as it was.
  expect(cluster.triggers).toEqual([]);
  expect(cluster.runningJobs().map((j) => j.jobId)).toEqual([jobId]);
  expect(cluster.record).toMatchObject({ operation: null, jobId, status: 'running' });

  const calls = cluster.calls.length;
  const relative = await failureOf(kit.run(cluster, 'rollback', { app, toSavepoint: 'savepoints/savepoint-1' }));
  expect(relative.type).toBe('InvalidSpec');
  expect(relative.message).toContain('"savepoints/savepoint-1" is not an absolute savepoint path');
  // A run started by hand with no usable path: the same rule as a registration's (one check for both).
  for (const bad of [42, '']) {
    const failure = await failureOf(kit.run(cluster, 'rollback', { app, toSavepoint: bad as unknown as string }));
    expect(failure).toMatchObject({ type: 'InvalidSpec' });
    expect(failure.message).toContain('invalid workflow input: the savepoint path is missing; nothing was changed');
  }
  expect(cluster.calls.length).toBe(calls); // refused before the lock: no activity ran
});

test('delete never disposes a registered savepoint: it keeps its last savepoint, disposes nothing', async () => {
  const cluster = await deployed();
  const location = `file://${savepointDir('savepoint-ffffff-000000000006')}`;
  await register(cluster, { path: location });
  await kit.run(cluster, 'suspend', { app });

  const deleted = await kit.run(cluster, 'delete', { app });

  expect(deleted.outcome).toBe('succeeded');
  expect(deleted.savepoint).not.toBe(location);
  expect(deleted.message).toContain('latest savepoint (no job was running) file:///sp/savepoint-');
  expect(cluster.calls.map((c) => c.name)).not.toContain('disposeSavepoints');
  expect(cluster.calls.map((c) => c.name)).not.toContain('endAndDispose');
  expect(cluster.disposedLocations).toEqual([]);
});

test('refused before any check, nothing recorded: no record, session cluster, wrong kind, bad path', async () => {
  const location = `file://${savepointDir('savepoint-000000-000000000007')}`;
  const none = new InMemoryCluster();
  const noRecord = await failureOf(register(none, { path: location }, { namespace: 'default', name: 'nobody' }));
  expect(noRecord).toMatchObject({ type: 'InvalidSpec' });
  expect(noRecord.message).toContain('default/nobody has no deployed state');

  const sessionCluster = parseAppSpec(
    'apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: {name: counter}\n' +
      'spec: {image: "flink:2.3", flinkVersion: v2_2}\n',
  );
  const sessionJob = parseAppSpec(
    'apiVersion: flink.apache.org/v1beta1\nkind: FlinkSessionJob\nmetadata: {name: counter}\n' +
      'spec: {deploymentName: shared, job: {jarURI: "https://repo.example.com/a.jar", parallelism: 1}}\n',
  );
  if (!sessionCluster.ok || !sessionJob.ok) throw new Error('fixture specs do not parse');
  const cases: [AppSpec, RegisterSavepointInput['jobKind'], string][] = [
    [sessionCluster.spec, 'FlinkDeployment', 'is a session cluster'],
    [sessionJob.spec, 'FlinkDeployment', 'names FlinkDeployment counter, but default/counter is a FlinkSessionJob'],
    [spec, 'FlinkSessionJob', 'names FlinkSessionJob counter, but default/counter is a FlinkDeployment'],
  ];
  for (const [applied, jobKind, why] of cases) {
    const cluster = new InMemoryCluster();
    cluster.record = { ...emptyRecord<AppSpec>('default', 'counter'), generation: 1, lastAppliedSpec: applied };
    const failure = await failureOf(register(cluster, { path: location, jobKind }));
    expect(failure).toMatchObject({ type: 'InvalidSpec' });
    expect(failure.message).toContain(why);
    expect(cluster.record.savepoints).toEqual([]);
    expect(cluster.calls.map((c) => c.name)).not.toContain('checkSavepoint');
  }

  const cluster = await deployed();
  for (const bad of ['savepoints/sp-1', 's3://key:secret@b/sp-1', '']) {
    const failure = await failureOf(register(cluster, { path: bad }));
    expect(failure).toMatchObject({ type: 'InvalidSpec' });
    expect(failure.message).toContain('invalid workflow input: the savepoint path');
    expect(failure.message).not.toContain('secret@');
  }
  expect(cluster.record!.savepoints).toEqual([]);
});
