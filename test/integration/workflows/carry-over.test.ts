/**
 * A session cluster's upgrade with `upgrade.jobs: carry-over` (src/workflows/carry-jobs.ts) on the time-skipping
 * server: the cluster's own steps on the in-memory activities, its session jobs' suspend and resume children stood in
 * for (test/fixtures/workflows/stand-in-children.ts). A job that does not resume leaves the upgrade done and
 * recorded, but the operation ends `failed` (exit 1), naming the job and the command that resumes it.
 */
import type { AppSpec } from '../../../src/spec';
import type { OperationResult } from '../../../src/contract/operations';
import type { WorkflowHandle } from '@temporalio/client';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { sessionClusterSpec } from '../../support/session-cluster-spec';
import { workflowRunner } from '../../support/workflow-env';

const carryingSpec = (replicas: number) => sessionClusterSpec({ replicas, carryOver: true });

const kit = workflowRunner('carry', require.resolve('../../fixtures/workflows/stand-in-children'));
const apply = (cluster: InMemoryCluster, spec: AppSpec, workflowId?: string) =>
  kit.run(cluster, 'apply', { spec }, workflowId);

async function upgradedWith(jobs: string[]): Promise<{ cluster: InMemoryCluster; result: OperationResult }> {
  const cluster = new InMemoryCluster();
  expect(await apply(cluster, carryingSpec(1))).toMatchObject({ operation: 'deploy', outcome: 'succeeded' });
  cluster.script.sessionJobRecords = jobs.map((name) => ({ namespace: 'default', name }));
  const result = await apply(cluster, carryingSpec(2));
  return { cluster, result };
}

test('every job resumed: the upgrade succeeded, carrying them over', async () => {
  const { cluster, result } = await upgradedWith(['orders', 'payments']);
  expect(result).toMatchObject({ operation: 'upgrade', outcome: 'succeeded' });
  expect(result.message).toContain(
    'session jobs carried over (suspended with a savepoint, resumed from it): orders, payments',
  );
  expect(cluster.record).toMatchObject({ status: 'running', generation: 2, operation: null });
});

test('a job that did not resume: the cluster upgraded and recorded, the operation failed naming the job', async () => {
  const { cluster, result } = await upgradedWith(['orders', 'broken']);
  expect(result).toMatchObject({ operation: 'upgrade', outcome: 'failed' });
  expect(result.message).toContain('session cluster default/shared is ready (generation 2');
  expect(result.message).toContain(
    'resumed from it): orders; NOT resumed (run flink-deploy resume <job> -n default): broken:',
  );
  expect(result.message).toContain('FAILED after its restore');
  // The cluster is what it says: generation 2 running, its spec recorded, the lock free; the failure in its history.
  expect(cluster.record).toMatchObject({ status: 'running', generation: 2, operation: null });
  expect(cluster.record?.lastAppliedSpec?.taskManager.replicas).toBe(2);
  expect(cluster.record?.history.at(-1)).toMatchObject({ type: 'apply', outcome: 'failed' });
});

/**
 * A deployed cluster with the session job `orders`, upgraded (carry-over) with a slow apply: `stop` is handed the
 * upgrade's run once its job is suspended and the cluster's objects are being applied.
 */
async function upgradeStoppedWhileRollingOut<T>(
  stop: (handle: WorkflowHandle) => Promise<T>,
): Promise<{ cluster: InMemoryCluster; workflowId: string; stopped: T }> {
  const cluster = new InMemoryCluster();
  expect(await apply(cluster, carryingSpec(1))).toMatchObject({ operation: 'deploy', outcome: 'succeeded' });
  cluster.script.sessionJobRecords = [{ namespace: 'default', name: 'orders' }];
  cluster.script.slowApplyImages = ['flink:2.3'];
  cluster.script.slowApplyMs = 1500;
  const applies = () => cluster.calls.filter((c) => c.name === 'applyApplication').length;
  const before = applies();
  const workflowId = kit.nextWorkflowId();
  const stopped = await kit.withWorker(cluster.activities(), async (taskQueue) => {
    const handle = await kit.env.client.workflow.start('apply', {
      taskQueue,
      workflowId,
      args: [{ spec: carryingSpec(2) }],
    });
    for (let i = 0; i < 400 && applies() === before; i++) await new Promise((r) => setTimeout(r, 25));
    return stop(handle);
  });
  return { cluster, workflowId, stopped };
}

test('a cancel once the jobs are suspended: the rollout and the resumes finish, and the result says so', async () => {
  const { cluster, stopped: result } = await upgradeStoppedWhileRollingOut(async (handle) => {
    await handle.cancel();
    return (await handle.result()) as OperationResult;
  });
  expect(result).toMatchObject({ operation: 'upgrade', outcome: 'succeeded' });
  // The resume child ran and succeeded (the message lists the jobs whose resume succeeded).
  expect(result.message).toContain('resumed from it): orders');
  expect(result.message).toContain('a cancel requested meanwhile came too late');
  expect(cluster.record).toMatchObject({ status: 'running', generation: 2, operation: null });
});

/**
 * The fault matrix's upgrade-session-cluster/StartingCluster/terminate: the upgrade's run terminated once its job was
 * suspended and the cluster rolling out. The job was recorded on the cluster before it was suspended, so the
 * cluster's command run again (the same workflow id, as the CLI's) resumes it.
 */
async function terminatedAfterSuspend(): Promise<{ cluster: InMemoryCluster; workflowId: string }> {
  const { cluster, workflowId } = await upgradeStoppedWhileRollingOut(async (handle) => {
    await handle.terminate('the fault matrix');
    await expect(handle.result()).rejects.toThrow();
  });
  // What the run left: the job suspended (its own suspend child finished), recorded as carried by the cluster.
  expect(cluster.record?.carriedJobs).toEqual(['orders']);
  expect(cluster.record?.operation?.workflowId).toBe(workflowId);
  cluster.script.sessionJobRecords = [];
  cluster.script.suspendedSessionJobRecords = [{ namespace: 'default', name: 'orders' }];
  cluster.script.slowApplyImages = [];
  return { cluster, workflowId };
}

test('an upgrade terminated after the suspends: apply again resumes the job it carried', async () => {
  const { cluster, workflowId } = await terminatedAfterSuspend();
  const result = await apply(cluster, carryingSpec(2), workflowId);
  expect(result).toMatchObject({ operation: 'apply', outcome: 'succeeded' });
  expect(result.message).toContain('an earlier upgrade left suspended, resumed: orders');
  expect(cluster.record).toMatchObject({ status: 'running', generation: 2, operation: null });
  expect(cluster.record?.carriedJobs).toBeUndefined();
  // Asked for the suspended jobs once the cluster was verified ready.
  const names = cluster.calls.map((c) => c.name);
  expect(names.lastIndexOf('sessionJobsOnCluster')).toBeGreaterThan(names.lastIndexOf('awaitClusterReady'));
});

test('an upgrade terminated after the suspends: a new spec applied resumes it after the rollout', async () => {
  const { cluster, workflowId } = await terminatedAfterSuspend();
  const result = await apply(cluster, carryingSpec(3), workflowId);
  expect(result).toMatchObject({ operation: 'upgrade', outcome: 'succeeded' });
  expect(result.message).toContain('an earlier upgrade left suspended, resumed: orders');
  expect(cluster.record).toMatchObject({ status: 'running', generation: 3, operation: null });
  expect(cluster.record?.carriedJobs).toBeUndefined();
});

test('a carried job resumed since (or suspended by hand, no longer recorded suspended) is left alone', async () => {
  const { cluster, workflowId } = await terminatedAfterSuspend();
  cluster.script.suspendedSessionJobRecords = [{ namespace: 'default', name: 'other' }];
  const result = await apply(cluster, carryingSpec(2), workflowId);
  expect(result).toMatchObject({ operation: 'apply', outcome: 'no-change' });
  expect(result.message).not.toContain('resumed');
  expect(cluster.record?.carriedJobs).toBeUndefined();
});
