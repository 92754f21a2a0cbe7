import { emptyRecord, RecordErrorCode } from '../../../src/k8s';
import { decodeRecord, encodeRecord } from '../../../src/k8s/state-record/codec';
import { applyUpdate, toDeployedState } from '../../../src/activities/record-changes';
import type { AppSpec } from '../../../src/spec/types';

const where = { namespace: 'apps', app: 'orders' };

test('a record round-trips through its ConfigMap, with labels and readable JSON', () => {
  const record = {
    ...emptyRecord('apps', 'orders'),
    generation: 3,
    jobId: 'a'.repeat(32),
    status: 'running' as const,
    lastAppliedSpec: { job: { parallelism: 2 } },
    savepoints: [
      {
        location: 'file:///sp/savepoint-1',
        time: '2026-01-01T00:00:00.000Z',
        kind: 'upgrade' as const,
        triggerId: 'b'.repeat(32),
        jobId: 'c'.repeat(32),
        disposed: false,
        restoredBy: ['a'.repeat(32)],
      },
    ],
  };
  const cm = encodeRecord(record);
  expect(cm.metadata).toMatchObject({
    name: 'orders-deploy-state',
    namespace: 'apps',
    labels: { 'app.kubernetes.io/managed-by': 'flink-deploy', 'app.kubernetes.io/component': 'deploy-state' },
  });
  expect(cm.data?.['record.json']).toContain('\n  "generation": 3,');
  const decoded = decodeRecord({ ...cm, metadata: { ...cm.metadata, resourceVersion: '42', uid: 'u-1' } }, where);
  expect(decoded).toEqual({ record, resourceVersion: '42', uid: 'u-1' });
});

test('invalid records are RECORD_CORRUPT with the field path', () => {
  const bad = { ...emptyRecord('apps', 'orders'), savepoints: [{ location: 'x', kind: 'weekly' }] };
  expect(() => decodeRecord({ data: { 'record.json': JSON.stringify(bad) } }, where)).toThrow(
    expect.objectContaining({ code: RecordErrorCode.Corrupt, message: expect.stringContaining('savepoints.0.kind') }),
  );
  expect(() => decodeRecord({ data: {} }, where)).toThrow(/has no "record.json" key/);
  expect(() => decodeRecord({ data: { 'record.json': '{' } }, where)).toThrow(/is not JSON/);
});

test('a registered savepoint decodes; an unknown kind (a later version) fails the read, never misread', () => {
  const entry = {
    location: 's3://b/savepoints/savepoint-1',
    time: '2026-01-01T00:00:00.000Z',
    kind: 'registered' as const,
    triggerId: null,
    jobId: null,
    disposed: false,
  };
  const record = { ...emptyRecord('apps', 'orders'), savepoints: [entry] };
  expect(decodeRecord(encodeRecord(record), where).record.savepoints).toEqual([entry]);
  // A flag would be stripped (unknown keys are dropped) and the entry read as a savepoint retention may dispose.
  const flagged = { ...record, savepoints: [{ ...entry, kind: 'manual', registered: true }] };
  expect(decodeRecord({ data: { 'record.json': JSON.stringify(flagged) } }, where).record.savepoints[0]).toEqual({
    ...entry,
    kind: 'manual',
  });
  const later = { ...record, savepoints: [{ ...entry, kind: 'imported' }] };
  expect(() => decodeRecord({ data: { 'record.json': JSON.stringify(later) } }, where)).toThrow(
    expect.objectContaining({ code: RecordErrorCode.Corrupt, message: expect.stringContaining('savepoints.0.kind') }),
  );
});

test("a session cluster's carried jobs: round-trip, set by jobs-carried, gone when emptied or cluster-ready", () => {
  const where2 = { app: { namespace: 'apps', name: 'orders' }, workflowId: 'wf' };
  const start = emptyRecord<AppSpec>('apps', 'orders');
  const carrying = applyUpdate(start, { ...where2, changes: [{ kind: 'jobs-carried', jobs: ['a', 'b'] }] }, new Date());
  expect(carrying.carriedJobs).toEqual(['a', 'b']);
  expect(decodeRecord(encodeRecord(carrying), where).record.carriedJobs).toEqual(['a', 'b']);
  expect(toDeployedState(carrying).carriedJobs).toEqual(['a', 'b']);
  const done = applyUpdate(carrying, { ...where2, changes: [{ kind: 'jobs-carried', jobs: [] }] }, new Date());
  expect('carriedJobs' in done).toBe(false);
  expect('carriedJobs' in toDeployedState(done)).toBe(false);
  // The operation that ends with the cluster ready has resumed them (or named those it could not): the list goes.
  const spec = { name: 'orders', namespace: 'apps', sessionCluster: true } as unknown as AppSpec;
  const ready = applyUpdate(
    carrying,
    { ...where2, changes: [{ kind: 'cluster-ready', generation: 2, spec }] },
    new Date(),
  );
  expect('carriedJobs' in ready).toBe(false);
  expect(ready).toMatchObject({ status: 'running', generation: 2 });
});
