/**
 * A manual savepoint that fails (patch `savepoint-failure-says-job-state`): the failure says no
 * savepoint was taken for its trigger id, what Flink says of the job now (asked after the failure),
 * and the command to run; the record keeps no savepoint for it and the lock is released.
 */
import { FailureType } from '../../../src/contract/failures';
import { apply, savepoint } from '../../../src/workflows';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { failureOf } from '../../support/workflow-failure';
import { counterSpec } from '../../support/counter-spec';

const spec = counterSpec();
const app = { namespace: spec.namespace, name: spec.name };

const kit = workflowRunner('counter-sp');

test('a failed manual savepoint says no savepoint was taken, that the job runs, and what to run', async () => {
  const cluster = new InMemoryCluster();
  expect((await kit.run(cluster, apply, { spec })).outcome).toBe('succeeded');
  const job = cluster.runningJobs()[0]!;
  cluster.script.savepointFails = true;

  const failure = await failureOf(kit.run(cluster, savepoint, { app, kind: 'manual' }));

  const triggerId = cluster.triggers.at(-1)!;
  expect(failure).toMatchObject({ type: FailureType.SavepointFailed, nonRetryable: true });
  expect(failure.message).toBe(
    `no savepoint was taken (trigger ${triggerId}); the job ${job.jobId} is RUNNING, untouched; run ` +
      '`flink-deploy savepoint counter -n default` to try again. Cause: savepoint declined: checkpoint ' +
      'coordinator failure',
  );
  // Flink was asked after the failure, not before.
  const names = cluster.calls.map((c) => c.name);
  expect(names.lastIndexOf('jobState')).toBeGreaterThan(names.lastIndexOf('takeSavepoint'));
  expect(cluster.record?.savepoints.filter((s) => s.triggerId === triggerId)).toEqual([]);
  expect(cluster.record).toMatchObject({ status: 'running', jobId: job.jobId, operation: null });
  expect(cluster.record?.history.at(-1)).toMatchObject({ outcome: 'failed', message: failure.message });
});

test('a job that is not RUNNING after the failure: the message names its state and points to status', async () => {
  const cluster = new InMemoryCluster();
  expect((await kit.run(cluster, apply, { spec })).outcome).toBe('succeeded');
  const job = cluster.runningJobs()[0]!;
  cluster.script.savepointFails = true;
  job.state = 'FAILED';

  const failure = await failureOf(kit.run(cluster, savepoint, { app, kind: 'manual' }));

  expect(failure.type).toBe(FailureType.SavepointFailed);
  expect(failure.message).toMatch(
    new RegExp(
      `^no savepoint was taken \\(trigger \\w+\\); the job ${job.jobId} is FAILED; run ` +
        '`flink-deploy status counter -n default` to see why\\. Cause: ',
    ),
  );
});
