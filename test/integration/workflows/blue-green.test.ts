/**
 * The blue-green path of the workflows (src/workflows/blue-green.ts) over the in-memory
 * activities on the time-skipping server: the new generation's cluster is ready before the old
 * job stops, the job is submitted after it stopped (never two RUNNING jobs), the old generation
 * goes once the new job is stable; not stable: rollback onto the old generation, still standing,
 * from the same savepoint; a cluster that never gets ready leaves the old job running; a submit
 * whose answer was lost is not submitted twice; one upgrade's Temporal actions (issue 15: at most 25).
 */
import { ApplicationFailure } from '@temporalio/common';
import { UpgradeStrategy, type AppSpec } from '../../../src/spec';
import { FailureType } from '../../../src/contract/failures';
import type { FlinkDeployActivities } from '../../../src/activities/types';
import { apply } from '../../../src/workflows';
import { countActions } from '../../../scripts/bench/actions';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { failureOf } from '../../support/workflow-failure';
import { counterSpec } from '../../support/counter-spec';

const counter = counterSpec();
const v1: AppSpec = { ...structuredClone(counter), upgradeStrategy: UpgradeStrategy.BlueGreen };
const v2: AppSpec = { ...structuredClone(v1), image: 'flink:2.3-v2' };

const kit = workflowRunner('counter-bg');

/** The activities, each submit checking that no other job RUNS at that moment. */
function watched(cluster: InMemoryCluster, runningAtSubmit: number[]): FlinkDeployActivities {
  const activities = cluster.activities();
  return {
    ...activities,
    submitJob: async (input) => {
      runningAtSubmit.push(cluster.runningJobs().filter((j) => j.jobId !== input.jobId).length);
      return activities.submitJob(input);
    },
    // The folded step (patch blue-green-folded-steps) submits inside: checked the same way.
    submitToGeneration: async (input) => {
      runningAtSubmit.push(cluster.runningJobs().filter((j) => j.jobId !== input.jobId).length);
      return activities.submitToGeneration(input);
    },
  };
}

/** Applies `spec` over the watched activities. */
const run = (cluster: InMemoryCluster, spec: AppSpec, runningAtSubmit: number[] = [], workflowId?: string) =>
  kit.run({ activities: () => watched(cluster, runningAtSubmit) }, apply, { spec }, workflowId);

const names = (cluster: InMemoryCluster) => cluster.calls.map((c) => c.name);
const indexOf = (cluster: InMemoryCluster, name: string, from = 0) => names(cluster).indexOf(name, from);

async function deployedV1(): Promise<InMemoryCluster> {
  const cluster = new InMemoryCluster();
  const result = await run(cluster, v1);
  expect(result.outcome).toBe('succeeded');
  expect(cluster.record).toMatchObject({ generation: 1, status: 'running' });
  expect([...cluster.clusters.keys()]).toEqual([1]);
  expect(cluster.runningJobs()).toEqual([expect.objectContaining({ generation: 1, image: 'flink:2.3' })]);
  return cluster;
}

test('upgrade: new cluster ready before the old job stops, job submitted after, old generation removed', async () => {
  const cluster = await deployedV1();
  const oldJob = cluster.record!.jobId!;
  const start = cluster.calls.length;
  const runningAtSubmit: number[] = [];

  const result = await run(cluster, v2, runningAtSubmit);

  expect(result).toMatchObject({ operation: 'upgrade', outcome: 'succeeded' });
  const ready = indexOf(cluster, 'awaitClusterReady', start);
  const stop = indexOf(cluster, 'takeSavepoint', start);
  const submit = indexOf(cluster, 'submitJob', start);
  const removed = indexOf(cluster, 'removeGeneration', stop);
  expect(indexOf(cluster, 'applyApplication', start)).toBeLessThan(ready);
  expect(ready).toBeLessThan(stop);
  expect(stop).toBeLessThan(submit);
  expect(submit).toBeLessThan(removed);
  expect(cluster.calls[removed]!.input).toMatchObject({ generation: 1, blueGreen: true });
  expect(runningAtSubmit.at(-1)).toBe(0);
  const savepoint = (cluster.calls[stop]!.input as { jobId: string; stop: boolean }) ?? {};
  expect(savepoint).toMatchObject({ jobId: oldJob, stop: true });
  const running = cluster.runningJobs();
  expect(running).toHaveLength(1);
  expect(running[0]).toMatchObject({ generation: 2, image: 'flink:2.3-v2', restoredFrom: result.savepoint });
  expect([...cluster.clusters.keys()]).toEqual([2]);
  expect(cluster.record).toMatchObject({ generation: 2, jobId: running[0]!.jobId, status: 'running' });
  expect(cluster.record?.lastStableSpec?.image).toBe('flink:2.3-v2');
});

test('not stable: new generation removed, last stable spec on the old one from the same savepoint', async () => {
  const cluster = await deployedV1();
  cluster.script.unstableImages = ['flink:2.3-v2'];
  const start = cluster.calls.length;
  const runningAtSubmit: number[] = [];

  const failure = await failureOf(run(cluster, v2, runningAtSubmit));

  expect(failure.type).toBe(FailureType.UpgradeRolledBack);
  expect(failure.message).toMatch(/runs again on generation 1/);
  const savepoint = cluster.calls.find((c, i) => i >= start && c.name === 'takeSavepoint');
  expect(savepoint).toBeDefined();
  const submits = cluster.calls.filter((c, i) => i >= start && c.name === 'submitJob');
  expect(submits.map((c) => (c.input as { generation: number }).generation)).toEqual([2, 1]);
  const second = submits[1]!.input as { restore?: { path: string }; spec: AppSpec };
  expect(second.spec.image).toBe('flink:2.3');
  // Generation 2 was removed before the old spec was submitted to generation 1.
  const removeNew = cluster.calls.findIndex(
    (c, i) => i >= start && c.name === 'removeGeneration' && (c.input as { generation: number }).generation === 2,
  );
  expect(removeNew).toBeLessThan(cluster.calls.indexOf(submits[1]!));
  expect(runningAtSubmit).toEqual([0, 0]);
  const running = cluster.runningJobs();
  expect(running).toHaveLength(1);
  expect(running[0]).toMatchObject({ generation: 1, image: 'flink:2.3', restoredFrom: second.restore?.path });
  expect(second.restore?.path).toMatch(/^file:\/\/\/sp\/savepoint-/);
  expect([...cluster.clusters.keys()]).toEqual([1]);
  expect(cluster.record).toMatchObject({ generation: 1, jobId: running[0]!.jobId, status: 'running' });
});

test('not stable, and the new generation cannot be removed: RollbackFailed, record failed, state named', async () => {
  const cluster = await deployedV1();
  cluster.script.unstableImages = ['flink:2.3-v2'];
  const activities = watched(cluster, []);
  const refused = {
    ...activities,
    removeGeneration: async (input: Parameters<FlinkDeployActivities['removeGeneration']>[0]) => {
      if (input.generation === 2)
        throw ApplicationFailure.create({
          type: FailureType.KubernetesRefused,
          nonRetryable: true,
          message: 'deployments.apps "counter-g2-jobmanager" is forbidden',
        });
      return activities.removeGeneration(input);
    },
  };

  const failure = await failureOf(kit.execute(refused, apply, { spec: v2 }, kit.nextWorkflowId()));

  expect(failure.type).toBe(FailureType.RollbackFailed);
  const savepoint = cluster.record?.savepoints.at(-1)?.location;
  expect(savepoint).toMatch(/^file:\/\/\/sp\/savepoint-/);
  expect(failure.message).toContain('removing generation 2 failed');
  expect(failure.message).toContain('is forbidden');
  expect(failure.message).toContain(`its state is in ${savepoint}`);
  expect(failure.message).toContain('flink-deploy rollback');
  expect(cluster.record).toMatchObject({ status: 'failed', operation: null });
  expect(cluster.record?.history.at(-1)).toMatchObject({ outcome: 'failed', message: failure.message });
});

test('a new cluster that never gets ready: the old job is never stopped, the new generation goes', async () => {
  const cluster = await deployedV1();
  const oldJob = cluster.record!.jobId!;
  cluster.script.clusterNotReadyImages = ['flink:2.3-v2'];
  const start = cluster.calls.length;

  const failure = await failureOf(run(cluster, v2));

  expect(failure.type).toBe(FailureType.DeploymentUnhealthy);
  expect(cluster.calls.slice(start).map((c) => c.name)).not.toContain('takeSavepoint');
  expect(cluster.runningJobs()).toEqual([expect.objectContaining({ jobId: oldJob, generation: 1 })]);
  expect([...cluster.clusters.keys()]).toEqual([1]);
});

test('a cancel while the new cluster starts: its objects land first, then it goes; the old job runs on', async () => {
  const cluster = await deployedV1();
  const oldJob = cluster.record!.jobId!;
  // The apply of the new generation's objects is slow and does not stop for the cancel (as a server-side apply).
  cluster.script.slowApplyImages = [v2.image];
  cluster.script.slowApplyMs = 1500;
  const started = cluster.calls.length;
  const ended = await kit.withWorker(watched(cluster, []), async (taskQueue) => {
    const handle = await kit.env.client.workflow.start(apply, {
      taskQueue,
      workflowId: kit.nextWorkflowId(),
      args: [{ spec: v2 }],
    });
    for (let i = 0; i < 400 && indexOf(cluster, 'applyApplication', started) < 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    await handle.cancel();
    return handle.result().then(
      () => 'completed',
      () => 'failed',
    );
  });
  expect(ended).toBe('failed');
  // Never a generation 2 left standing beside the old job (it was, when its removal ran beside the apply).
  await new Promise((r) => setTimeout(r, 2000));
  expect([...cluster.clusters.keys()]).toEqual([1]);
  // The old job, or (the in-memory wait does not stop for the cancel, so the upgrade went on to its savepoint
  // and was rolled back) the last stable spec on generation 1 restored from THAT savepoint.
  const [running, ...others] = cluster.runningJobs();
  expect(others).toEqual([]);
  expect(running).toMatchObject({ generation: 1, image: v1.image });
  if (running!.jobId !== oldJob) expect(running!.restoredFrom).toBe(cluster.record?.savepoints.at(-1)?.location);
  expect(cluster.record?.operation).toBeNull();
});

test('a submit whose answer was lost is retried without a second job', async () => {
  const cluster = await deployedV1();
  cluster.script.submitAnswerLost = true;
  const start = cluster.calls.length;

  const result = await run(cluster, v2);

  expect(result.outcome).toBe('succeeded');
  const submits = cluster.calls.filter((c, i) => i >= start && c.name === 'submitJob');
  expect(submits).toHaveLength(2);
  expect((submits[0]!.input as { jobId: string }).jobId).toBe((submits[1]!.input as { jobId: string }).jobId);
  expect(cluster.jobs.filter((j) => j.generation === 2)).toHaveLength(1);
  expect(cluster.runningJobs()).toHaveLength(1);
});

test('one blue-green upgrade: at most 25 Temporal actions, no more than a recreate upgrade', async () => {
  const blueGreenCluster = await deployedV1();
  const blueGreenId = kit.nextWorkflowId();
  await run(blueGreenCluster, v2, [], blueGreenId);
  const blueGreen = await countActions(kit.env.client, blueGreenId);
  const recreateCluster = new InMemoryCluster();
  const recreateV1: AppSpec = structuredClone(counter); // no strategy given: recreate, the default
  expect(recreateV1.upgradeStrategy).not.toBe(UpgradeStrategy.BlueGreen);
  await run(recreateCluster, recreateV1);
  const recreateId = kit.nextWorkflowId();
  await run(recreateCluster, { ...structuredClone(recreateV1), image: 'flink:2.3-v2' }, [], recreateId);
  const recreate = await countActions(kit.env.client, recreateId);

  console.log(`Temporal actions of one upgrade: blue-green ${blueGreen.total}, recreate ${recreate.total}`);
  // Here no retries and no heartbeats: the workflow's own actions (start, activities, upserts).
  expect([blueGreen.retries, blueGreen.estimatedHeartbeats]).toEqual([0, 0]);
  expect(blueGreen.total).toBeLessThanOrEqual(25);
  expect(blueGreen.total).toBeLessThanOrEqual(recreate.total);
});

test('an upgrade terminated in Submitting: the next apply finishes it, and only its generation stands', async () => {
  const cluster = await deployedV1();
  // What the terminated run left (the fault matrix's upgrade-blue-green/Submitting/terminate): the old job stopped
  // with its savepoint, generation 2's cluster up, generation 2 recorded deploying under a job id never submitted.
  cluster.runningJobs()[0]!.state = 'FINISHED';
  cluster.clusters.set(2, v2.image);
  cluster.record = { ...cluster.record!, generation: 2, jobId: 'f'.repeat(32), lastAppliedSpec: v2 };

  const result = await run(cluster, v2);

  expect(result).toMatchObject({ outcome: 'succeeded' });
  expect(result.message).toContain('the last operation never finished');
  expect([...cluster.clusters.keys()]).toEqual([3]);
  expect(cluster.runningJobs()).toEqual([expect.objectContaining({ generation: 3, image: v2.image })]);
});

test('... its job submitted and running: the next apply verifies it stable, and the old generation goes', async () => {
  const cluster = await deployedV1();
  cluster.runningJobs()[0]!.state = 'FINISHED';
  cluster.clusters.set(2, v2.image);
  const submitted = { jobId: 'e'.repeat(32), image: v2.image, state: 'RUNNING', generation: 2 } as const;
  cluster.jobs.push({ ...submitted });
  cluster.record = { ...cluster.record!, generation: 2, jobId: submitted.jobId, lastAppliedSpec: v2 };

  const result = await run(cluster, v2);

  expect(result.message).toContain('finished the interrupted operation');
  expect([...cluster.clusters.keys()]).toEqual([2]);
  expect(cluster.runningJobs()).toEqual([expect.objectContaining({ jobId: submitted.jobId, generation: 2 })]);
});
