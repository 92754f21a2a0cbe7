/**
 * A savepoint trigger Flink failed while the job was failing over (patch `savepoint-retry-after-failover`): the
 * workflow records a new trigger id in the lock's intent BEFORE it sends it, at most 3 triggers in all; a
 * declined savepoint is not tried again; the last failure names every trigger tried. In-memory activities on the
 * time-skipping server (the activity's own classification: test/unit/activities/savepoint-failover.test.ts).
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { RecordChange } from '../../../src/contract/deployed-state';
import { FailureType } from '../../../src/contract/failures';
import { type AppSpec } from '../../../src/spec';
import { apply, savepoint, suspend } from '../../../src/workflows';
import { triggerIdsOf } from '../../faults/matrix/trigger-ids';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { failureOf } from '../../support/workflow-failure';
import { counterSpec } from '../../support/counter-spec';

const spec = counterSpec();
const app = { namespace: spec.namespace, name: spec.name };
const v2: AppSpec = { ...structuredClone(spec), image: 'flink:2.3-v2' };

const kit = workflowRunner('counter-retry');

/** A running application, then the calls of the operation under test only. */
async function deployed(): Promise<InMemoryCluster> {
  const cluster = new InMemoryCluster();
  expect((await kit.run(cluster, apply, { spec })).outcome).toBe('succeeded');
  cluster.calls = [];
  cluster.triggers = [];
  cluster.intentsAtTrigger = [];
  return cluster;
}

/** The calls in order, as `takeSavepoint <trigger>` and `retry <failed> -> <new>` (the savepoint-retry writes). */
function savepointSteps(cluster: InMemoryCluster): string[] {
  return cluster.calls.flatMap((c) => {
    if (c.name === 'takeSavepoint') return [`takeSavepoint ${(c.input as { triggerId: string }).triggerId}`];
    if (c.name !== 'updateRecord') return [];
    const changes = (c.input as { changes: RecordChange[] }).changes;
    return changes.flatMap((ch) =>
      ch.kind === 'savepoint-retry' ? [`retry ${ch.failedTriggerId} -> ${ch.triggerId}`] : [],
    );
  });
}

test('suspend: a trigger failed in a failover is tried again as a new id, recorded before it is sent', async () => {
  const cluster = await deployed();
  const job = cluster.runningJobs()[0]!;
  cluster.script.savepointOutcomes = ['failover'];

  const workflowId = kit.nextWorkflowId();
  const suspended = await kit.run(cluster, suspend, { app }, workflowId);

  expect(suspended.outcome).toBe('succeeded');
  const [first, second] = cluster.triggers;
  expect(cluster.triggers).toHaveLength(2);
  expect(second).not.toBe(first);
  // The record write carrying the new id comes between the failed trigger and the new one.
  expect(savepointSteps(cluster)).toEqual([
    `takeSavepoint ${first}`,
    `retry ${first} -> ${second}`,
    `takeSavepoint ${second}`,
  ]);
  // Each takeSavepoint carried the trigger id the lock's intent held at that moment.
  expect(cluster.intentsAtTrigger).toEqual([
    { triggerId: first, failedTriggerIds: undefined },
    { triggerId: second, failedTriggerIds: [first] },
  ]);
  const retry = cluster.calls.find(
    (c) => c.name === 'updateRecord' && JSON.stringify(c.input).includes('savepoint-retry'),
  )!.input as { changes: { reason: string }[] };
  expect(retry.changes[0]!.reason).toBe(
    `savepoint trigger ${first} failed while the job was failing over (org.apache.flink.runtime.checkpoint.` +
      `CheckpointException: Trigger checkpoint failure.; the job is RESTARTING); trying again as trigger ${second}`,
  );
  // The savepoint is recorded under the trigger that took it.
  expect(cluster.record?.savepoints.filter((s) => s.kind === 'suspend')).toEqual([
    expect.objectContaining({ triggerId: second, location: suspended.savepoint, jobId: job.jobId }),
  ]);
  expect(cluster.record).toMatchObject({ status: 'suspended', operation: null });

  // Temporal's history (what the fault matrix's invariant reads): the patch marker, the record write carrying the
  // new id scheduled after the failed trigger and before the new one; and the run replays on this code.
  const history = await kit.env.client.workflow.getHandle(workflowId).fetchHistory();
  const steps = (history.events ?? []).flatMap((e) => {
    const patch = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0];
    if (patch) return [`patch ${defaultPayloadConverter.fromPayload<{ id: string }>(patch).id}`];
    const scheduled = e.activityTaskScheduledEventAttributes;
    const name = scheduled?.activityType?.name;
    const input = scheduled?.input?.payloads?.[0];
    if (!input || (name !== 'takeSavepoint' && name !== 'updateRecord')) return [];
    const value = defaultPayloadConverter.fromPayload<{ triggerId?: string; changes?: RecordChange[] }>(input);
    if (name === 'takeSavepoint') return [`takeSavepoint ${value.triggerId}`];
    const retry = value.changes?.find((c) => c.kind === 'savepoint-retry');
    return retry?.kind === 'savepoint-retry' ? [`record ${retry.triggerId}`] : [];
  });
  const from = steps.indexOf(`takeSavepoint ${first}`);
  expect(steps.slice(from, from + 4)).toEqual([
    `takeSavepoint ${first}`,
    'patch savepoint-retry-after-failover',
    `record ${second}`,
    `takeSavepoint ${second}`,
  ]);
  // The fault matrix's one-savepoint-per-trigger accounting holds on this history.
  const scheduled = (history.events ?? []).flatMap((e) => {
    const a = e.activityTaskScheduledEventAttributes;
    const payload = a?.input?.payloads?.[0];
    return a?.activityType?.name && payload
      ? [{ activity: a.activityType.name, input: defaultPayloadConverter.fromPayload<unknown>(payload) }]
      : [];
  });
  expect(triggerIdsOf(scheduled)).toEqual({ scheduled: [first, second], superseded: [first], unannounced: [] });
  await Worker.runReplayHistory({ workflowsPath: require.resolve('../../../src/workflows') }, history);
});

test('a declined savepoint is not tried again: one trigger, no new id recorded, the message as before', async () => {
  const cluster = await deployed();
  const job = cluster.runningJobs()[0]!;
  cluster.script.savepointOutcomes = ['declined'];

  const failure = await failureOf(kit.run(cluster, savepoint, { app, kind: 'manual' }));

  expect(cluster.triggers).toHaveLength(1);
  expect(savepointSteps(cluster)).toEqual([`takeSavepoint ${cluster.triggers[0]}`]);
  expect(failure.message).toBe(
    `no savepoint was taken (trigger ${cluster.triggers[0]}); the job ${job.jobId} is RUNNING, untouched; run ` +
      '`flink-deploy savepoint counter -n default` to try again. Cause: savepoint declined: checkpoint ' +
      'coordinator failure',
  );
});

test('upgrade: 3 triggers at most, each recorded first, then SavepointFailed naming them; job untouched', async () => {
  const cluster = await deployed();
  const job = cluster.runningJobs()[0]!;
  const generation = cluster.record!.generation;
  cluster.script.savepointOutcomes = ['failover', 'failover', 'failover', 'failover'];

  const failure = await failureOf(kit.run(cluster, apply, { spec: v2 }));

  const [a, b, c] = cluster.triggers;
  expect(cluster.triggers).toHaveLength(3);
  expect(new Set(cluster.triggers).size).toBe(3);
  expect(savepointSteps(cluster)).toEqual([
    `takeSavepoint ${a}`,
    `retry ${a} -> ${b}`,
    `takeSavepoint ${b}`,
    `retry ${b} -> ${c}`,
    `takeSavepoint ${c}`,
  ]);
  expect(cluster.intentsAtTrigger.map((i) => i.triggerId)).toEqual([a, b, c]);
  expect(failure).toMatchObject({ type: FailureType.SavepointFailed, nonRetryable: true });
  const cause =
    'org.apache.flink.runtime.checkpoint.CheckpointException: Trigger checkpoint failure. (the job is RESTARTING)';
  expect(failure.message).toBe(
    `stop-with-savepoint of job ${job.jobId} (default/counter): no savepoint was taken; all 3 triggers ` +
      `(savepoint.failoverAttempts) failed while the job was failing over: trigger ${a}: ${cause}; trigger ${b}: ` +
      `${cause}; trigger ${c}: ${cause}`,
  );
  // Nothing torn down: the same job runs, the record still says so.
  expect(cluster.runningJobs().map((j) => j.jobId)).toEqual([job.jobId]);
  expect(cluster.calls.map((call) => call.name)).not.toContain('applyApplication');
  expect(cluster.record).toMatchObject({ status: 'running', jobId: job.jobId, generation, operation: null });
  expect(cluster.record?.history.at(-1)).toMatchObject({ outcome: 'failed', message: failure.message });
});

test('a manual savepoint: retried once and taken under the new trigger, which the record keeps', async () => {
  const cluster = await deployed();
  cluster.script.savepointOutcomes = ['failover'];

  const taken = await kit.run(cluster, savepoint, { app, kind: 'manual' });

  const [first, second] = cluster.triggers;
  expect(taken.outcome).toBe('succeeded');
  expect(savepointSteps(cluster)).toEqual([
    `takeSavepoint ${first}`,
    `retry ${first} -> ${second}`,
    `takeSavepoint ${second}`,
  ]);
  expect(cluster.record?.savepoints.find((s) => s.location === taken.savepoint)?.triggerId).toBe(second);
});

test('a manual savepoint failing every trigger: "no savepoint was taken (triggers A, B, C)"', async () => {
  const cluster = await deployed();
  const job = cluster.runningJobs()[0]!;
  cluster.script.savepointOutcomes = ['failover', 'failover', 'failover'];

  const failure = await failureOf(kit.run(cluster, savepoint, { app, kind: 'manual' }));

  expect(cluster.triggers).toHaveLength(3);
  expect(failure.message).toMatch(
    new RegExp(
      `^no savepoint was taken \\(triggers ${cluster.triggers.join(', ')}\\); the job ${job.jobId} is RUNNING, ` +
        'untouched; .*Cause: savepoint of job \\w+ \\(default/counter\\): no savepoint was taken; all 3 triggers',
    ),
  );
});

test('a failover, then a decline: not tried again; the failure names the earlier trigger too', async () => {
  const cluster = await deployed();
  cluster.script.savepointOutcomes = ['failover', 'declined'];

  const failure = await failureOf(kit.run(cluster, suspend, { app }));

  const [first, second] = cluster.triggers;
  expect(cluster.triggers).toHaveLength(2);
  expect(failure.type).toBe(FailureType.SavepointFailed);
  expect(failure.message).toBe(
    'savepoint declined: checkpoint coordinator failure (after 1 earlier trigger(s) failed while the job was ' +
      `failing over: trigger ${first}: org.apache.flink.runtime.checkpoint.CheckpointException: Trigger ` +
      'checkpoint failure. (the job is RESTARTING))',
  );
  expect(second).toBeDefined();
  expect(cluster.record).toMatchObject({ status: 'running', operation: null });
});
