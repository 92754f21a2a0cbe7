/**
 * Issue 11 items 8 and 14 on the time-skipping server with in-memory activities: a cancel while
 * the lock is being taken does not leak it (the lock activity settles, then the lock is released
 * with the outcome `cancelled`); a cancel during Deploying lets the abandoned apply land before
 * the rollback applies the last stable version (never the other way round). Issue 12 (the matrix's `cancel`
 * fault): a cancel while a savepoint is being taken lets it complete and records it (cancelled, Flink's savepoint
 * was left on disk, unrecorded).
 */
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { CancelledFailure } from '@temporalio/common';
import { type AppSpec } from '../../../src/spec';
import { FailureType } from '../../../src/contract/failures';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { counterSpec } from '../../support/counter-spec';

const baseSpec = counterSpec();
const app = { namespace: baseSpec.namespace, name: baseSpec.name };
const v2: AppSpec = { ...structuredClone(baseSpec), image: 'flink:2.3-v2' };

const kit = workflowRunner('counter-settles');

async function until(what: string, probe: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

async function deployed(): Promise<InMemoryCluster> {
  const cluster = new InMemoryCluster();
  const result = await kit.run(cluster, 'apply', { spec: baseSpec });
  expect(result.outcome).toBe('succeeded');
  return cluster;
}

test('a cancel while the lock is being taken does not leak the lock', async () => {
  const cluster = await deployed();
  cluster.script.lockDelayMs = 1500;
  const locks = cluster.calls.filter((c) => c.name === 'beginOperation').length;
  const err = await kit.withWorker(cluster.activities(), async (taskQueue) => {
    const handle = await kit.env.client.workflow.start('savepoint', {
      taskQueue,
      workflowId: kit.nextWorkflowId(),
      args: [{ app, kind: 'manual' }],
    });
    await until(
      'the lock activity started',
      () => cluster.calls.filter((c) => c.name === 'beginOperation').length > locks,
    );
    await handle.cancel();
    return handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
  });
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  // Whatever the lock activity did after the cancel, no lock is left behind.
  await new Promise((r) => setTimeout(r, 2000));
  expect(cluster.record?.operation).toBeNull();
  expect(cluster.record?.history.at(-1)).toMatchObject({ type: 'savepoint', outcome: 'cancelled' });
  expect(cluster.calls.filter((c) => c.name === 'takeSavepoint')).toHaveLength(0);
});

test('a cancel while the savepoint is being taken: it completes and is recorded, and the result says so', async () => {
  const cluster = await deployed();
  cluster.script.savepointMs = 1500;
  const { result, triggers } = await kit.withWorker(cluster.activities(), async (taskQueue) => {
    const handle = await kit.env.client.workflow.start('savepoint', {
      taskQueue,
      workflowId: kit.nextWorkflowId(),
      args: [{ app, kind: 'manual' }],
    });
    await until('the savepoint was triggered', () => cluster.triggers.length > 0);
    await handle.cancel();
    return { result: await handle.result(), triggers: [...cluster.triggers] };
  });
  expect(result.outcome).toBe('succeeded');
  expect(result.message).toContain('cancel requested while the savepoint was being taken');
  expect(triggers).toHaveLength(1);
  // THAT savepoint is in the record, under its trigger id, and the lock is released.
  expect(cluster.record?.savepoints.map((s) => [s.triggerId, s.location])).toEqual([
    [triggers[0], `file:///sp/savepoint-${triggers[0]!.slice(0, 6)}`],
  ]);
  expect(cluster.record?.operation).toBeNull();
});

test('a cancel during Deploying lets the abandoned apply land before the rollback applies', async () => {
  const cluster = await deployed();
  cluster.script.slowApplyImages = [v2.image];
  cluster.script.slowApplyMs = 1500;
  const err = await kit.withWorker(cluster.activities(), async (taskQueue) => {
    const handle = await kit.env.client.workflow.start('apply', {
      taskQueue,
      workflowId: kit.nextWorkflowId(),
      args: [{ spec: v2 }],
    });
    await until('the new version is being applied', () =>
      cluster.calls.some(
        (c) => c.name === 'applyApplication' && (c.input as { spec: AppSpec }).spec.image === v2.image,
      ),
    );
    await handle.cancel();
    return handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
  });
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe(FailureType.UpgradeRolledBack);
  const applies = cluster.calls
    .map((c, i) => ({ i, name: c.name, image: (c.input as { spec?: AppSpec }).spec?.image }))
    .filter((c) => c.name.startsWith('applyApplication'));
  const v2Landed = applies.find((c) => c.name === 'applyApplication:landed' && c.image === v2.image)!;
  const rollbackApply = applies.filter((c) => c.name === 'applyApplication' && c.image === baseSpec.image).at(-1)!;
  expect(v2Landed.i).toBeLessThan(rollbackApply.i);
  expect(cluster.runningJobs().map((j) => j.image)).toEqual([baseSpec.image]);
  expect(cluster.record).toMatchObject({ status: 'running', operation: null });
});
