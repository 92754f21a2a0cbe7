/**
 * The delete workflow (issue 11 item 20) with in-memory activities on the time-skipping server:
 * the order of its steps, the final savepoint recorded before anything is removed, the record
 * last, and nothing torn down when the savepoint fails. On the stack: test/e2e/delete.test.ts.
 */
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../../src/contract/failures';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { counterSpec } from '../../support/counter-spec';

const spec = counterSpec();
const app = { namespace: spec.namespace, name: spec.name };

const kit = workflowRunner('delete');

async function deployed(): Promise<InMemoryCluster> {
  const cluster = new InMemoryCluster();
  await kit.run(cluster, 'apply', { spec });
  cluster.calls = [];
  return cluster;
}

test('delete: a final savepoint (stop), then the Deployments, the objects, and the record last', async () => {
  const cluster = await deployed();
  const jobId = cluster.record!.jobId!;

  const result = await kit.run(cluster, 'delete', { app });

  expect(result).toMatchObject({ operation: 'delete', outcome: 'succeeded' });
  const names = cluster.calls.map((c) => c.name).filter((n) => n !== 'updateRecord');
  expect(names).toEqual([
    'beginOperation',
    'takeSavepoint',
    'removeDeployments',
    'removeApplicationObjects',
    'deleteRecord',
  ]);
  expect(cluster.calls.find((c) => c.name === 'takeSavepoint')?.input).toMatchObject({ jobId, stop: true });
  // Recorded (kind final) before anything was removed, and reported.
  const recorded = cluster.calls.findIndex(
    (c) =>
      c.name === 'updateRecord' &&
      (c.input as { changes: { kind: string; entry?: { kind: string } }[] }).changes.some(
        (ch) => ch.kind === 'savepoint-completed' && ch.entry?.kind === 'final',
      ),
  );
  expect(recorded).toBeGreaterThan(-1);
  expect(recorded).toBeLessThan(cluster.calls.findIndex((c) => c.name === 'removeDeployments'));
  expect(result.savepoint).toMatch(/^file:\/\/\/sp\/savepoint-/);
  expect(result.message).toContain(`final savepoint ${result.savepoint} is kept`);
  expect(cluster.runningJobs()).toEqual([]);
  expect(cluster.record).toBeUndefined();
});

test('delete --no-savepoint cancels the job instead, and reports no savepoint', async () => {
  const cluster = await deployed();
  const result = await kit.run(cluster, 'delete', { app, noSavepoint: true });
  expect(result.savepoint).toBeUndefined();
  expect(result.message).toContain('no savepoint taken (--no-savepoint)');
  const names = cluster.calls.map((c) => c.name);
  expect(names).toContain('cancelJob');
  expect(names).not.toContain('takeSavepoint');
  expect(cluster.record).toBeUndefined();
});

test('delete when the savepoint fails: nothing is removed, the job keeps running, the record stays', async () => {
  const cluster = await deployed();
  cluster.script.savepointFails = true;
  const err = await kit.run(cluster, 'delete', { app }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect(((err as WorkflowFailedError).cause as ApplicationFailure).type).toBe(FailureType.SavepointFailed);
  const names = cluster.calls.map((c) => c.name);
  expect(names).not.toContain('removeDeployments');
  expect(names).not.toContain('deleteRecord');
  expect(cluster.runningJobs()).toHaveLength(1);
  expect(cluster.record).toMatchObject({ status: 'running', operation: null });
});

test('delete of a stateless job whose savepoint fails: cancelled, saying why (delete-stateless-cancels)', async () => {
  const stateless = { ...spec, job: { ...spec.job, upgradeMode: 'stateless' as const } };
  const cluster = new InMemoryCluster();
  await kit.run(cluster, 'apply', { spec: stateless });
  cluster.calls = [];
  cluster.script.savepointFails = true;
  const result = await kit.run(cluster, 'delete', { app });
  expect(result.savepoint).toBeUndefined();
  expect(result.message).toMatch(
    /no final savepoint \(.+\): the job is stateless \(upgradeMode stateless\), so it was cancelled/,
  );
  const names = cluster.calls.map((c) => c.name);
  expect(names.indexOf('takeSavepoint')).toBeGreaterThanOrEqual(0);
  expect(names.indexOf('cancelJob')).toBeGreaterThan(names.indexOf('takeSavepoint'));
  expect(cluster.runningJobs()).toHaveLength(0);
  expect(cluster.record).toBeUndefined();
});

test('delete of an application with no record succeeds and says there was nothing to delete', async () => {
  const cluster = new InMemoryCluster();
  const result = await kit.run(cluster, 'delete', { app });
  expect(result).toMatchObject({ operation: 'delete', outcome: 'succeeded' });
  expect(result.message).toBe(
    `nothing to delete: ${app.namespace}/${app.name} has no deployed state (never deployed, or deleted already)`,
  );
  expect(cluster.record).toBeUndefined();
});

test('a second delete says the first one left nothing; suspend of it names no record, not "status none"', async () => {
  const cluster = await deployed();
  expect((await kit.run(cluster, 'delete', { app })).message).toMatch(/^deleted /);
  expect((await kit.run(cluster, 'delete', { app })).message).toMatch(/^nothing to delete: .* has no deployed state/);
  const refused = await kit.run(cluster, 'suspend', { app }).then(
    () => undefined,
    (err: WorkflowFailedError) => err.cause as ApplicationFailure,
  );
  expect(refused?.type).toBe(FailureType.NothingToDo);
  expect(refused?.message).toBe(
    `${app.namespace}/${app.name} has no running job to suspend (no deployed state: never deployed, or deleted)`,
  );
});
