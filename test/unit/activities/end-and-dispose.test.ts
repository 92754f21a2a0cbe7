/**
 * endAndDispose, the real activity: ONE activity writes a savepoint run's end (the disposals it
 * planned marked by that same write, the lock released) and then disposes them, each recorded as
 * it ends. Its retry (the worker shutting down mid-disposal) finds its end already written and
 * disposes only what the record does not say is disposed.
 */
import type { SavepointEntry } from '../../../src/contract/savepoints';
import type { EndAndDisposeInput } from '../../../src/activities/types';
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';

const app = { namespace: 'default', name: 'counter' };
const workflowId = 'flink-deploy/default/counter';
const runId = 'run-1';
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

/** The input a periodic run with `--keep 1` sends after its third savepoint (`c`): `a` and `b` go. */
const input: EndAndDisposeInput = {
  app,
  workflowId,
  runId,
  changes: [
    ...[a, b, c].map((location) => ({ kind: 'savepoint-completed' as const, entry: entry(location) })),
    { kind: 'disposal-planned', locations: [a, b] },
  ],
  end: { operation: 'savepoint', outcome: 'succeeded', message: `savepoint ${c} taken` },
  dispose: [a, b],
};

const disposalRequests = () => h.flink.count('POST', /^\/savepoint-disposal$/);

async function record() {
  return (await h.kube.records.readRecord(app.namespace, app.name))!.record;
}

test('the end first (the disposals planned by the same write, the lock released), then each disposal', async () => {
  h = activityHarness();
  await h.run('beginOperation', { app, workflowId, runId, operation: 'savepoint' });
  const askedFlinkBeforeWrite: number[] = [];
  for (let i = 0; i < 3; i++) h.kube.before('record.replace', () => askedFlinkBeforeWrite.push(disposalRequests()));

  const result = await h.run('endAndDispose', input);

  expect(result).toEqual({ disposed: [a, b], failed: [] });
  // Three writes: the end (nothing asked of Flink yet), then one per disposal as it ended.
  expect(askedFlinkBeforeWrite).toEqual([0, 1, 2]);
  expect(h.flink.disposed).toEqual([a, b]);
  const after = await record();
  expect(after.operation).toBeNull();
  expect(after.history.at(-1)).toMatchObject({ workflowId, runId, outcome: 'succeeded' });
  expect(after.savepoints.map((s) => [s.location, s.disposed])).toEqual([
    [a, true],
    [b, true],
    [c, false],
  ]);
  expect(h.kube.events.filter((e) => e.reason === 'OperationSucceeded')).toHaveLength(1);
});

test('a failed disposal stays pending with its error (the next run retries it); the end is written', async () => {
  h = activityHarness();
  await h.run('beginOperation', { app, workflowId, runId, operation: 'savepoint' });
  h.flink.disposalFailures.set(a, 1);

  const result = await h.run('endAndDispose', input);

  expect(result.disposed).toEqual([b]);
  expect(result.failed).toEqual([
    { location: a, error: `java.io.IOException: could not delete ${a}: permission denied` },
  ]);
  const after = await record();
  expect(after.operation).toBeNull();
  expect(after.savepoints[0]).toMatchObject({ location: a, disposed: false, disposalPending: true });
});

test(
  'the worker shutting down mid-disposal: WorkerShutdown, nothing recorded as failed; the retry writes no ' +
    'second end and disposes only what is left, though another operation holds the lock by then',
  async () => {
    h = activityHarness();
    await h.run('beginOperation', { app, workflowId, runId, operation: 'savepoint' });
    // The shutdown comes while the first disposal (`a`) is being recorded (the second write): Flink has
    // deleted `a`, and its record write still lands.
    h.kube.before('record.replace', () => undefined);
    h.kube.before('record.replace', () => h.cancel('WORKER_SHUTDOWN'));

    const failure = await h.run('endAndDispose', input).then(
      () => undefined,
      (err: unknown) => err as { type?: string; nonRetryable?: boolean },
    );

    expect(failure).toMatchObject({ type: 'WorkerShutdown', nonRetryable: false });
    expect(h.flink.disposed).toEqual([a]);
    const between = await record();
    expect(between.savepoints.find((s) => s.location === a)).toMatchObject({ disposed: true });
    expect(between.savepoints.find((s) => s.location === b)).toMatchObject({ disposed: false });
    expect(between.savepoints.find((s) => s.location === b)?.disposeError).toBeUndefined();

    // An upgrade takes the lock before Temporal retries the activity on another worker.
    const retryHarness = activityHarness({ shared: h });
    await retryHarness.run('beginOperation', {
      app,
      workflowId: 'flink-deploy/upgrade',
      runId: 'u',
      operation: 'apply',
    });
    const requestsBefore = disposalRequests();
    const retry = await retryHarness.run('endAndDispose', input);
    h = retryHarness;

    expect(retry).toEqual({ disposed: [a, b], failed: [] });
    expect(disposalRequests() - requestsBefore).toBe(1); // `b` only: `a` is disposed in the record
    const after = await record();
    expect(after.history.filter((p) => p.runId === runId)).toHaveLength(1);
    expect(after.operation).toMatchObject({ workflowId: 'flink-deploy/upgrade' });
    expect(after.savepoints.map((s) => [s.location, s.disposed])).toEqual([
      [a, true],
      [b, true],
      [c, false],
    ]);
  },
);
