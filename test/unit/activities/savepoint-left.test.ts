/**
 * A run terminated after Flink took its savepoint and before it recorded it (the fault matrix's
 * `savepoint/Savepointing/terminate`: an orphan folder on disk, in no list): the next operation taking the lock
 * over, or releasing it, asks Flink for the holder's trigger and records what Flink took. The real activities
 * (in-memory Kubernetes, mock Flink).
 */
import type { RunState } from '../../../src/contract/run-state';
import { unrecordedTrigger } from '../../../src/activities/savepoint-left';
import { savepointKindOf } from '../../../src/contract/savepoints';
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';

const app = { namespace: 'default', name: 'counter' };
const jobId = '11112222333344445555666677778888';
const triggerId = 'aaaabbbbccccddddeeeeffff00001111';
const manual = { app, workflowId: 'flink-deploy/default/counter', runId: 'run-1', operation: 'savepoint' } as const;
const periodic = { ...manual, workflowId: 'flink-deploy-savepoints/default/counter-2026-12-05T03:00:00Z' };

let h: ActivityHarness;
let open: ActivityHarness | undefined;
const harness = (options?: Parameters<typeof activityHarness>[0]) => (h = open = activityHarness(options));
afterEach(async () => {
  await open?.close(); // the pure test at the end has none
  open = undefined;
});

const temporal = (runs: Record<string, RunState>) => ({
  runState: (workflowId: string, runId: string) =>
    Promise.resolve(runs[`${workflowId}/${runId}`] ?? ({ kind: 'not-found' } as RunState)),
});

/** `holder` takes the lock with the trigger in its intent, the record names the job, Flink takes the savepoint. */
async function terminatedAfterFlinkTookIt(holder: typeof manual | typeof periodic): Promise<string> {
  await h.run('beginOperation', { ...holder, intent: { triggerId } });
  await h.kube.records.mutateRecord({ namespace: app.namespace, app: app.name, mutate: (r) => ({ ...r, jobId }) });
  h.flink.runJob(jobId);
  const taken = await h.run('takeSavepoint', { app, jobId, triggerId, stop: false });
  return taken.location;
}

test('a later run of the same workflow id records the savepoint its terminated run left, as a manual one', async () => {
  harness();
  const location = await terminatedAfterFlinkTookIt(manual);

  const state = await h.run('beginOperation', { ...manual, runId: 'run-2', intent: { triggerId: 'another' } });

  const expected = { location, triggerId, jobId, kind: 'manual', disposed: false };
  expect(state.savepoints).toEqual([expect.objectContaining(expected)]);
  const { record } = (await h.kube.records.readRecord(app.namespace, app.name))!;
  expect(record.savepoints).toEqual([expect.objectContaining(expected)]);
  expect(record.operation).toMatchObject({ runId: 'run-2', intent: { triggerId: 'another' } });
  // The terminated run is in the record's history, as a closed holder another operation releases.
  expect(record.history.at(-1)).toMatchObject({ runId: 'run-1', type: 'savepoint', outcome: 'abandoned' });
  expect(record.history.at(-1)?.message).toContain('took the lock over from run run-1');
  expect(record.history.at(-1)?.message).toContain(`its savepoint ${location} (trigger ${triggerId}) recorded`);
});

test('the savepoint goes in the write that takes the lock over: one write, so a retry finds it recorded', async () => {
  harness();
  await terminatedAfterFlinkTookIt(manual);
  const before = (await h.kube.records.readRecord(app.namespace, app.name))!;

  await h.run('beginOperation', { ...manual, runId: 'run-2', intent: { triggerId: 'another' } });
  // A retry of that activity (its answer lost): the lock is its own now, the earlier run's intent gone.
  const retried = await h.run('beginOperation', { ...manual, runId: 'run-2', intent: { triggerId: 'another' } });

  const after = (await h.kube.records.readRecord(app.namespace, app.name))!;
  expect(Number(after.resourceVersion) - Number(before.resourceVersion)).toBe(1);
  expect(after.record.savepoints).toEqual([expect.objectContaining({ triggerId, kind: 'manual' })]);
  expect(retried.savepoints).toEqual([expect.objectContaining({ triggerId })]);
  expect(after.record.history.filter((p) => p.runId === 'run-1')).toHaveLength(1);
});

test('the release of a closed holder of another workflow id records its savepoint with the release', async () => {
  harness({
    runs: temporal({ [`${periodic.workflowId}/run-1`]: { kind: 'closed', status: 'TERMINATED' } }),
  });
  const location = await terminatedAfterFlinkTookIt(periodic);

  await h.run('beginOperation', { ...manual, runId: 'run-a', intent: { triggerId: 'another' } });

  const { record } = (await h.kube.records.readRecord(app.namespace, app.name))!;
  expect(record.savepoints).toEqual([expect.objectContaining({ location, triggerId, kind: 'periodic' })]);
  expect(record.history.at(-1)?.message).toContain(`its savepoint ${location} (trigger ${triggerId}) recorded`);
});

test('a trigger Flink does not know, or one already recorded, records nothing', async () => {
  harness();
  await h.run('beginOperation', { ...manual, intent: { triggerId } });
  await h.kube.records.mutateRecord({ namespace: app.namespace, app: app.name, mutate: (r) => ({ ...r, jobId }) });
  h.flink.runJob(jobId);

  const state = await h.run('beginOperation', { ...manual, runId: 'run-2', intent: { triggerId: 'another' } });

  expect(state.savepoints).toEqual([]);
  expect(unrecordedTrigger({ intent: { triggerId } }, [{ triggerId }])).toBeUndefined();
  expect(unrecordedTrigger({ intent: { triggerId } }, [{ triggerId: 'other' }])).toBe(triggerId);
  expect(unrecordedTrigger({ intent: { register: '/x' } }, [])).toBeUndefined();
});

test('recorded as the kind the operation would have recorded', () => {
  expect(savepointKindOf(app, { type: 'savepoint', workflowId: manual.workflowId })).toBe('manual');
  expect(savepointKindOf(app, { type: 'savepoint', workflowId: periodic.workflowId })).toBe('periodic');
  expect(savepointKindOf(app, { type: 'suspend', workflowId: manual.workflowId })).toBe('suspend');
  expect(savepointKindOf(app, { type: 'delete', workflowId: manual.workflowId })).toBe('final');
  expect(savepointKindOf(app, { type: 'upgrade', workflowId: manual.workflowId })).toBe('upgrade');
  expect(savepointKindOf(app, { type: 'apply', workflowId: manual.workflowId })).toBe('upgrade');
});
