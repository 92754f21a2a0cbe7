/**
 * beginOperation and updateRecord, the real activities over the real DeployStateStore and the
 * in-memory ConfigMap: the lock, the intent recorded first, and how record failures classify.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../../src/contract/failures';
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';

const app = { namespace: 'default', name: 'counter' };
const holder = { app, workflowId: 'flink-deploy/default/counter', runId: 'run-1', operation: 'upgrade' } as const;

let h: ActivityHarness;
afterEach(() => h.close());

test(
  'the lock: taken with the intent recorded, taken again by ' + 'the same workflow after a crash, refused to another',
  async () => {
    h = activityHarness();

    const state = await h.run('beginOperation', { ...holder, intent: { triggerId: 'f0e1' } });
    expect(state).toEqual({ exists: false, status: 'none', generation: 0, savepoints: [] });
    const again = await h.run('beginOperation', { ...holder, runId: 'run-2' });
    expect(again.exists).toBe(false);
    const { record } = (await h.kube.records.readRecord(app.namespace, app.name))!;
    expect(record.operation).toMatchObject({
      workflowId: holder.workflowId,
      runId: 'run-2',
      intent: { triggerId: 'f0e1' },
    });

    const refused = await h
      .run('beginOperation', { ...holder, workflowId: 'flink-deploy/default/counter-other' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: FailureType.OperationInProgress, nonRetryable: true });
    expect((refused as Error).message).toContain('upgrade (workflow flink-deploy/default/counter, phase Locking');
  },
);

test('updateRecord by a workflow that lost the lock: LockLost, not retried; a retried end is a no-op', async () => {
  h = activityHarness();
  await h.run('beginOperation', holder);
  const end = { operation: 'upgrade', outcome: 'succeeded', message: 'done' } as const;
  await h.run('updateRecord', { app, workflowId: holder.workflowId, changes: [], end });
  await expect(
    h.run('updateRecord', { app, workflowId: holder.workflowId, changes: [], end }),
  ).resolves.toBeUndefined();

  const lost = await h
    .run('updateRecord', { app, workflowId: holder.workflowId, changes: [{ kind: 'failed', reason: 'x' }] })
    .catch((e: unknown) => e);

  expect(lost).toMatchObject({ type: FailureType.LockLost, nonRetryable: true });
  const { record } = (await h.kube.records.readRecord(app.namespace, app.name))!;
  expect(record.status).toBe('none');
  expect(record.history.map((p) => p.outcome)).toEqual(['succeeded']);
});

test('updateRecord after the record was deleted mid-run: RecordDeleted, not retried, nothing re-created', async () => {
  h = activityHarness();
  await h.run('beginOperation', holder);
  const { resourceVersion } = (await h.kube.records.readRecord(app.namespace, app.name))!;
  expect(
    await h.kube.records.deleteRecord({
      namespace: app.namespace,
      app: app.name,
      expectedResourceVersion: resourceVersion,
    }),
  ).toBe(true);

  const gone = await h
    .run('updateRecord', { app, workflowId: holder.workflowId, changes: [{ kind: 'failed', reason: 'x' }] })
    .catch((e: unknown) => e);

  expect(gone).toBeInstanceOf(ApplicationFailure);
  expect(gone).toMatchObject({ type: FailureType.RecordDeleted, nonRetryable: true });
  expect((gone as Error).message).toMatch(/does not exist: the application's record was deleted while the operation/);
  expect(await h.kube.records.readRecord(app.namespace, app.name)).toBeUndefined();
});

test(
  'API server faults while locking: 5xx and transport errors ' + 'are retryable as is, a 422 is KubernetesRefused',
  async () => {
    h = activityHarness();
    h.kube.inject('record.read', 'server-error');
    await expect(h.run('beginOperation', holder)).rejects.toMatchObject({ code: 'K8S_SERVER_ERROR', retryable: true });
    h.kube.inject('record.create', 'unreachable');
    await expect(h.run('beginOperation', holder)).rejects.toMatchObject({ code: 'K8S_UNREACHABLE', retryable: true });
    h.kube.inject('record.create', 'invalid');
    await expect(h.run('beginOperation', holder)).rejects.toMatchObject({
      type: FailureType.KubernetesRefused,
      nonRetryable: true,
    });
    expect(await h.kube.records.readRecord(app.namespace, app.name)).toBeUndefined();

    await expect(h.run('beginOperation', holder)).resolves.toMatchObject({ exists: false });
  },
);

test('a 409 on the record write is a lost compare-and-swap: re-read and written again', async () => {
  h = activityHarness();
  await h.run('beginOperation', holder);
  h.kube.inject('record.replace', 'conflict', 2);

  await h.run('updateRecord', { app, workflowId: holder.workflowId, changes: [{ kind: 'failed', reason: 'boom' }] });

  expect((await h.kube.records.readRecord(app.namespace, app.name))!.record).toMatchObject({
    status: 'failed',
    failureReason: 'boom',
  });
  expect(h.kube.calls.filter((c) => c.startsWith('record.replace'))).toHaveLength(3);
});

test(
  'the start is told as an Event on the JobManager Deployment; an Event the API server refuses never fails ' +
    'the lock',
  async () => {
    h = activityHarness();
    await h.run('beginOperation', holder);
    expect(h.kube.events).toEqual([
      expect.objectContaining({
        involvedObject: { kind: 'Deployment', name: 'counter-jobmanager' },
        reason: 'OperationStarted',
        message: `upgrade started (workflow ${holder.workflowId})`,
      }),
    ]);
    await h.close();

    h = activityHarness();
    h.kube.inject('recordEvent', 'server-error');
    await expect(h.run('beginOperation', holder)).resolves.toMatchObject({ exists: false });
    expect(h.kube.events).toEqual([]);
    const { record } = (await h.kube.records.readRecord(app.namespace, app.name))!;
    expect(record.operation?.workflowId).toBe(holder.workflowId);
  },
);

test(
  'savepoint-retry: the new trigger id replaces the intent’s, the failed one is kept; told once as a Warning ' +
    'Event; refused to a workflow without the lock',
  async () => {
    h = activityHarness();
    await h.run('beginOperation', { ...holder, intent: { triggerId: 'aaaa' } });
    const reason = 'savepoint trigger aaaa failed while the job was failing over (…); trying again as trigger bbbb';
    const retry = { kind: 'savepoint-retry', triggerId: 'bbbb', failedTriggerId: 'aaaa', reason } as const;

    await h.run('updateRecord', { app, workflowId: holder.workflowId, changes: [retry] });
    await h.run('updateRecord', { app, workflowId: holder.workflowId, changes: [retry] }); // a retried write

    const { record } = (await h.kube.records.readRecord(app.namespace, app.name))!;
    expect(record.operation?.intent).toEqual({ triggerId: 'bbbb', failedTriggerIds: ['aaaa'] });
    expect(h.kube.events.filter((e) => e.reason === 'SavepointRetried')).toEqual([
      expect.objectContaining({ type: 'Warning', message: reason }),
    ]);
    const other = { ...retry, triggerId: 'cccc', failedTriggerId: 'bbbb' };
    const lost = await h
      .run('updateRecord', { app, workflowId: 'flink-deploy/default/other', changes: [other] })
      .catch((e: unknown) => e);
    expect(lost).toMatchObject({ type: FailureType.LockLost, nonRetryable: true });
  },
);
