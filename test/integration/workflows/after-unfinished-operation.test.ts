/**
 * apply over a record that says a job runs, after an operation that did not end its work (docs/recovery.md): a
 * delete that stopped the job with its final savepoint and removed its Deployments, then failed or was terminated,
 * left the record `running`; the manifest applied again deploys from THAT savepoint, never "nothing changed". A job
 * Flink still runs, or one whose JobManager does not answer while nothing says it was removed, is left to the diff:
 * never torn down. In-memory activities, time-skipping server; on the stack: test/faults/stuck.test.ts.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../../src/contract/failures';
import type { FlinkDeployActivities } from '../../../src/activities/types';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { failureOf } from '../../support/workflow-failure';
import { counterSpec } from '../../support/counter-spec';

const spec = counterSpec();
const app = { namespace: spec.namespace, name: spec.name };

const kit = workflowRunner('after');

/** Runs `workflow` over the cluster's activities, some of them replaced by `overrides`. */
const run = (
  cluster: InMemoryCluster,
  workflow: string,
  input: unknown,
  overrides: Partial<FlinkDeployActivities> = {},
) => kit.run({ activities: () => ({ ...cluster.activities(), ...overrides }) }, workflow, input);

async function deployed(): Promise<InMemoryCluster> {
  const cluster = new InMemoryCluster();
  expect((await run(cluster, 'apply', { spec })).outcome).toBe('succeeded');
  return cluster;
}

/** A delete that stopped the job with its final savepoint, removed the Deployments, and failed in RemovingObjects. */
async function deleteFailedInRemovingObjects(): Promise<{ cluster: InMemoryCluster; final: string; jobId: string }> {
  const cluster = await deployed();
  const jobId = cluster.record!.jobId!;
  const refused = async (): Promise<never> => {
    throw ApplicationFailure.create({ type: FailureType.KubernetesRefused, nonRetryable: true, message: 'refused' });
  };
  const failure = await failureOf(run(cluster, 'delete', { app }, { removeApplicationObjects: refused }));
  expect(failure.type).toBe(FailureType.KubernetesRefused);
  expect(cluster.record).toMatchObject({ status: 'running', jobId, operation: null });
  expect(cluster.record?.history.at(-1)).toMatchObject({
    type: 'delete',
    outcome: 'failed',
    lastPhase: 'RemovingObjects',
  });
  expect(cluster.runningJobs()).toEqual([]);
  const final = cluster.record!.savepoints.find((s) => s.kind === 'final')!.location;
  cluster.calls = [];
  return { cluster, final, jobId };
}

test('a delete failed after its final savepoint: apply of the same manifest deploys from THAT savepoint', async () => {
  const { cluster, final, jobId } = await deleteFailedInRemovingObjects();

  const result = await run(cluster, 'apply', { spec });

  expect(result).toMatchObject({ operation: 'deploy', outcome: 'succeeded', restoredFrom: final });
  expect(result.message).toContain(
    'the last operation never finished (its delete ended failed in phase RemovingObjects',
  );
  expect(result.message).toContain(`from the latest secured state ${final}`);
  expect(cluster.runningJobs().map((j) => j.restoredFrom)).toEqual([final]);
  expect(cluster.record).toMatchObject({ status: 'running', operation: null, lastStableJobId: result.jobId });
  expect(result.jobId).not.toBe(jobId);
});

test('... terminated there instead (abandoned), its JobManager gone (UNREACHABLE): the same', async () => {
  const { cluster, final } = await deleteFailedInRemovingObjects();
  const history = cluster.record!.history;
  cluster.record = {
    ...cluster.record!,
    history: [...history.slice(0, -1), { ...history.at(-1)!, outcome: 'abandoned' }],
  };
  const unreachable = async () => ({ state: 'UNREACHABLE', reason: 'Service counter-rest has no ready endpoint yet' });

  const result = await run(cluster, 'apply', { spec }, { jobState: unreachable });

  expect(result).toMatchObject({ operation: 'deploy', outcome: 'succeeded', restoredFrom: final });
  expect(result.message).toContain('its delete ended abandoned in phase RemovingObjects; Flink: UNREACHABLE');
  expect(cluster.runningJobs().map((j) => j.restoredFrom)).toEqual([final]);
});

/** The record of a deployed application whose last operation ended `outcome` in `phase`. */
async function after(type: string, outcome: string, phase: string): Promise<InMemoryCluster> {
  const cluster = await deployed();
  const record = cluster.record!;
  const past = { workflowId: 'w', runId: 'r', type, lastPhase: phase, startedAt: '', endedAt: '', outcome };
  cluster.record = { ...record, history: [...record.history, past] };
  cluster.calls = [];
  return cluster;
}

const acted = (cluster: InMemoryCluster) =>
  cluster.calls.map((c) => c.name).filter((n) => ['takeSavepoint', 'cancelJob', 'applyApplication'].includes(n));

test('a delete closed in RemovingDeployments whose job Flink runs after all: the diff, nothing stopped', async () => {
  const cluster = await after('delete', 'abandoned', 'RemovingDeployments');
  const job = cluster.runningJobs()[0]!;

  const result = await run(cluster, 'apply', { spec });

  expect(result.outcome).toBe('no-change');
  expect(cluster.calls.map((c) => c.name)).toContain('jobState');
  expect(acted(cluster)).toEqual([]);
  expect(cluster.runningJobs()).toEqual([job]);
});

test('a JobManager that does not answer after an operation that did not stop the job: never torn down', async () => {
  const cluster = await after('savepoint', 'failed', 'Savepointing');
  const job = cluster.runningJobs()[0]!;
  const unreachable = async () => ({ state: 'UNREACHABLE', reason: 'connect ECONNREFUSED' });

  const result = await run(cluster, 'apply', { spec }, { jobState: unreachable });

  expect(result.outcome).toBe('no-change');
  expect(acted(cluster)).toEqual([]);
  expect(cluster.runningJobs()).toEqual([job]);
});

test('after an operation that finished, apply does not ask Flink (the diff alone)', async () => {
  const cluster = await after('savepoint', 'succeeded', 'Savepointing');

  expect((await run(cluster, 'apply', { spec })).outcome).toBe('no-change');
  expect(cluster.calls.map((c) => c.name)).not.toContain('jobState');
});
