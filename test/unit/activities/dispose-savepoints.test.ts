/**
 * disposeSavepoints, the real activity: each disposal goes to Flink and its result is written
 * to the deployed-state record (the real store, compare-and-swap over the in-memory ConfigMap),
 * so a failed disposal stays marked and the next run retries it.
 */
import type { SavepointEntry } from '../../../src/contract/savepoints';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { RECORD_KEY } from '../../../src/k8s/state-record/codec';
import { recordName } from '../../../src/k8s/state-record/types';
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';

const app = { namespace: 'default', name: 'counter' };
const workflowId = 'flink-deploy/default/counter';
const [a, b, c] = ['a', 'b', 'c'].map((x) => `file:///flink/savepoints/savepoint-${x}`) as [string, string, string];

let h: ActivityHarness;
afterEach(() => h.close());

const entry = (location: string): SavepointEntry => ({
  location,
  time: '2026-11-30T10:00:00.000Z',
  kind: 'periodic',
  triggerId: null,
  jobId: null,
  disposed: false,
});

/** A record with three savepoints, `a` and `b` planned for disposal, as the savepoint workflow leaves it. */
async function recordWithPlannedDisposals(): Promise<void> {
  await h.run('beginOperation', { app, workflowId, runId: 'r1', operation: 'savepoint' });
  await h.run('updateRecord', {
    app,
    workflowId,
    changes: [
      ...[a, b, c].map((location) => ({ kind: 'savepoint-completed' as const, entry: entry(location) })),
      { kind: 'disposal-planned', locations: [a, b] },
    ],
    end: { operation: 'savepoint', outcome: 'succeeded', message: 'savepoint taken' },
  });
}

async function savepointsInRecord(): Promise<SavepointEntry[]> {
  return (await h.kube.records.readRecord(app.namespace, app.name))!.record.savepoints;
}

test(
  'each disposal is recorded as it ends; a failed one stays ' + 'pending with its error and the next run disposes it',
  async () => {
    h = activityHarness();
    await recordWithPlannedDisposals();
    h.flink.disposalFailures.set(a, 1);

    const first = await h.run('disposeSavepoints', { app, locations: [a, b] });

    expect(first.disposed).toEqual([b]);
    expect(first.failed).toEqual([
      { location: a, error: `java.io.IOException: could not delete ${a}: permission denied` },
    ]);
    expect(h.flink.disposed).toEqual([b]);
    const [sa, sb, sc] = await savepointsInRecord();
    expect(sa).toMatchObject({
      location: a,
      disposed: false,
      disposalPending: true,
      disposeError: first.failed[0]!.error,
    });
    expect(sb).toMatchObject({ location: b, disposed: true, disposalPending: false });
    expect(sb?.disposeError).toBeUndefined();
    expect(sc).toMatchObject({ location: c, disposed: false });
    expect(sc?.disposalPending).toBeUndefined();

    const retry = await h.run('disposeSavepoints', { app, locations: [a] });

    expect(retry).toEqual({ disposed: [a], failed: [] });
    expect(h.flink.disposed).toEqual([b, a]);
    const [again] = await savepointsInRecord();
    expect(again).toMatchObject({ location: a, disposed: true, disposalPending: false });
    expect(again?.disposeError).toBeUndefined();
  },
);

test('Flink unreachable for one disposal: recorded as failed (to retry), the others still disposed', async () => {
  h = activityHarness();
  await recordWithPlannedDisposals();
  h.flink.inject(/^\/savepoint-disposal$/, 'unreachable', { method: 'POST' });

  const result = await h.run('disposeSavepoints', { app, locations: [a, b] });

  expect(result.disposed).toEqual([b]);
  expect(result.failed).toEqual([
    { location: a, error: expect.stringContaining('could not reach Flink (ECONNREFUSED)') },
  ]);
  expect((await savepointsInRecord())[0]).toMatchObject({ disposalPending: true, disposed: false });
});

test(
  'a lost compare-and-swap while recording a disposal is ' + 'retried from a fresh read: nobody’s change is lost',
  async () => {
    h = activityHarness();
    await recordWithPlannedDisposals();
    const callsBefore = h.kube.calls.length;
    // Another writer updates the record between our read and our write.
    h.kube.before('record.replace', () =>
      h.kube.edit<V1ConfigMap>('ConfigMap', app.namespace, recordName(app.name), (cm) => {
        const record = JSON.parse(cm.data![RECORD_KEY]!) as Record<string, unknown>;
        cm.data![RECORD_KEY] = JSON.stringify({ ...record, failureReason: 'written by another worker' });
      }),
    );

    const result = await h.run('disposeSavepoints', { app, locations: [a] });

    expect(result.disposed).toEqual([a]);
    const { record } = (await h.kube.records.readRecord(app.namespace, app.name))!;
    expect(record.failureReason).toBe('written by another worker');
    expect(record.savepoints[0]).toMatchObject({ location: a, disposed: true });
    const writes = h.kube.calls.slice(callsBefore).filter((call) => call.startsWith('record.replace'));
    expect(writes).toHaveLength(2); // the one that lost, and the one from the fresh read
  },
);

test('a 503 of the API server while recording is thrown as is, retryable', async () => {
  h = activityHarness();
  await recordWithPlannedDisposals();
  h.kube.inject('record.read', 'server-error');

  await expect(h.run('disposeSavepoints', { app, locations: [a] })).rejects.toMatchObject({
    code: 'K8S_SERVER_ERROR',
    retryable: true,
  });
  expect(h.flink.disposed).toEqual([a]); // disposed in Flink; the record says pending until a retry records it
  expect((await savepointsInRecord())[0]).toMatchObject({ disposalPending: true, disposed: false });
});

test(
  'a retry after a disposal whose answer was lost: Flink finds nothing at the path, so it is recorded ' +
    'as disposed, not failed forever',
  async () => {
    h = activityHarness();
    await recordWithPlannedDisposals();
    // The first attempt disposed `a` in Flink, then the record write failed (the API server answered 503).
    h.kube.inject('record.read', 'server-error');
    await expect(h.run('disposeSavepoints', { app, locations: [a] })).rejects.toMatchObject({ retryable: true });
    expect(h.flink.disposed).toEqual([a]);

    const retry = await h.run('disposeSavepoints', { app, locations: [a] });

    expect(retry).toEqual({ disposed: [a], failed: [] });
    const [again] = await savepointsInRecord();
    expect(again).toMatchObject({ location: a, disposed: true, disposalPending: false });
    expect(again?.disposeError).toBeUndefined();
  },
);

test('the worker shutting down mid-disposal: no failed disposal recorded, the retry disposes', async () => {
  h = activityHarness();
  await recordWithPlannedDisposals();
  // The worker is told to shut down while the first disposal is being recorded.
  h.kube.before('record.replace', () => h.cancel('WORKER_SHUTDOWN'));

  const failure = await h.run('disposeSavepoints', { app, locations: [a, b] }).then(
    () => undefined,
    (err: unknown) => err as { type?: string; nonRetryable?: boolean; message: string },
  );

  expect(failure).toMatchObject({ type: 'WorkerShutdown', nonRetryable: false });
  expect(failure?.message).toContain(`disposing ${b}`);
  const [sa, sb] = await savepointsInRecord();
  expect(sa).toMatchObject({ location: a, disposed: true });
  expect(sb).toMatchObject({ location: b, disposed: false });
  expect(sb?.disposeError).toBeUndefined();

  // Temporal retries the activity on another worker: `a` is already gone (Flink: "Cannot find"), `b` is disposed.
  h = activityHarness({ shared: h });
  const retry = await h.run('disposeSavepoints', { app, locations: [a, b] });
  expect(retry).toEqual({ disposed: [a, b], failed: [] });
});
