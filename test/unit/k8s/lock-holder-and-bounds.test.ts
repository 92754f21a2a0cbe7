/**
 * Issue 11 items 8 and 9, pure: a lock released on its holder's behalf only when the exact run
 * (workflow id AND run id) still holds it; the savepoint history bounded by a count (disposed
 * entries dropped first, oldest first, never an undisposed one or the restore source); a record
 * too large for its ConfigMap refused before any API call.
 */
import type { CoreV1Api } from '@kubernetes/client-node';
import {
  DeployStateStore,
  emptyRecord,
  MAX_RECORD_BYTES,
  RecordTooLargeError,
  savepointsOverBound,
  withHolderReleased,
  withLockAcquired,
  withSavepointsBounded,
} from '../../../src/k8s';
import type { SavepointEntry } from '../../../src/contract/savepoints';

const where = { namespace: 'apps', app: 'orders' };
const at = new Date('2026-03-01T10:00:00Z');
const locked = withLockAcquired(
  emptyRecord('apps', 'orders'),
  { ...where, workflowId: 'flink-deploy-savepoints/apps/orders-workflow-1', runId: 'run-a', operation: 'savepoint' },
  at,
).record;

test('a holder is released only by its workflow id AND run id, into the history with the outcome', () => {
  const release = { ...where, workflowId: locked.operation!.workflowId, outcome: 'abandoned', message: 'run closed' };
  // Same workflow id, another run (a later one took the lock over): untouched.
  expect(withHolderReleased(locked, { ...release, runId: 'run-b' }, at)).toBe(locked);
  expect(withHolderReleased(locked, { ...release, workflowId: 'other', runId: 'run-a' }, at)).toBe(locked);
  const released = withHolderReleased(locked, { ...release, runId: 'run-a' }, at);
  expect(released.operation).toBeNull();
  expect(released.history.at(-1)).toMatchObject({
    workflowId: release.workflowId,
    runId: 'run-a',
    type: 'savepoint',
    outcome: 'abandoned',
    message: 'run closed',
  });
  // Idempotent: nothing held any more.
  expect(withHolderReleased(released, { ...release, runId: 'run-a' }, at)).toBe(released);
});

const sp = (n: number, disposed: boolean): SavepointEntry => ({
  location: `file:///sp/savepoint-${n}`,
  time: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
  kind: 'periodic',
  triggerId: null,
  jobId: 'j',
  disposed,
});

test('the savepoint history is bounded: disposed entries dropped first, oldest first', () => {
  // Stored out of time order on purpose: the oldest disposed go, whatever their position.
  const record = {
    ...emptyRecord('apps', 'orders'),
    savepoints: [sp(5, true), sp(1, true), sp(2, false), sp(3, true)],
  };
  const bounded = withSavepointsBounded(record, 2);
  expect(bounded.savepoints.map((s) => s.location)).toEqual(['file:///sp/savepoint-5', 'file:///sp/savepoint-2']);
  expect(withSavepointsBounded(record, 10)).toBe(record);
});

test('never dropped: an undisposed savepoint, or the running job restore source; and it says why', () => {
  const record = {
    ...emptyRecord('apps', 'orders'),
    restoredFrom: 'file:///sp/savepoint-1',
    savepoints: [sp(1, true), sp(2, false), sp(3, false)],
  };
  const bounded = withSavepointsBounded(record, 1);
  expect(bounded.savepoints.map((s) => s.location)).toEqual([
    'file:///sp/savepoint-1',
    'file:///sp/savepoint-2',
    'file:///sp/savepoint-3',
  ]);
  expect(savepointsOverBound(bounded, 1)).toMatch(/3 savepoints, over the bound of 1: 2 are not disposed/);
  expect(savepointsOverBound(bounded, 3)).toBeUndefined();
});

test('a record that would not fit in its ConfigMap is refused before any API call, naming the size', async () => {
  const calls: string[] = [];
  const core = new Proxy({} as CoreV1Api, {
    get: (_t, name: string) => () => {
      calls.push(name);
      throw new Error(`unexpected API call ${name}`);
    },
  });
  const store = new DeployStateStore(core);
  const huge = { ...emptyRecord('apps', 'orders'), failureReason: 'x'.repeat(MAX_RECORD_BYTES) };
  const err = await store.writeRecord({ ...where, record: huge, expectedResourceVersion: '1' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RecordTooLargeError);
  expect((err as RecordTooLargeError).bytes).toBeGreaterThan(MAX_RECORD_BYTES);
  expect((err as Error).message).toMatch(
    /would be \d+ bytes, over the \d+-byte limit of a ConfigMap: nothing was written/,
  );
  await expect(store.createRecord('apps', huge)).rejects.toBeInstanceOf(RecordTooLargeError);
  expect(calls).toEqual([]);
});
