/**
 * Issue 11 items 1, 2, 7, 18 at the workflow level (in-memory activities, time-skipping server):
 * whatever runs is secured first whatever the record's status; a cancel during stop-with-savepoint
 * of a suspend or rollback records the savepoint and says so; from `failed` or an operation that
 * never finished, apply always leads somewhere; an invalid input changes nothing.
 * The same paths on the real stack: test/e2e/stuck.test.ts.
 */
import { loadAppSpec, type AppSpec } from '../../../src/spec';
import { FailureType } from '../../../src/contract/failures';
import type { OperationResult } from '../../../src/contract/operations';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { failureOf } from '../../support/workflow-failure';
import { counterManifest } from '../../support/counter-spec';

const manifestText = counterManifest;
const baseSpec = loadAppSpec(manifestText);
const app = { namespace: baseSpec.namespace, name: baseSpec.name };
const v2 = loadAppSpec(manifestText.replace(/image: \S+/, 'image: flink:2.3-v2'));
const broken = loadAppSpec(manifestText.replace(/image: \S+/, 'image: flink:2.3-broken'));

const kit = workflowRunner('sf');

const names = (cluster: InMemoryCluster) => cluster.calls.map((c) => c.name);

async function deployed(): Promise<InMemoryCluster> {
  const cluster = new InMemoryCluster();
  expect((await kit.run(cluster, 'apply', { spec: baseSpec })).outcome).toBe('succeeded');
  return cluster;
}

/** An upgrade whose rollback "failed" (status failed) while the old version came up and runs. */
async function failedButRunning(): Promise<InMemoryCluster> {
  const cluster = await deployed();
  cluster.script.failingImages = ['flink:2.3-v2', 'flink:2.3'];
  expect((await failureOf(kit.run(cluster, 'apply', { spec: v2 }))).type).toBe(FailureType.RollbackFailed);
  cluster.script.failingImages = [];
  cluster.jobs.at(-1)!.state = 'RUNNING';
  expect(cluster.record?.status).toBe('failed');
  return cluster;
}

describe('item 18: workflows validate their input before any side effect', () => {
  test.each([
    ['a spec edited after validation', { spec: { ...baseSpec, job: { ...baseSpec.job, parallelism: -3 } } }],
    ['a spec without its manifest', { spec: { ...baseSpec, manifest: undefined } }],
    ['an invalid manifest', { spec: { ...baseSpec, manifest: { kind: 'FlinkDeployment', spec: {} } } }],
    ['no spec at all', {}],
  ])('apply with %s fails with InvalidSpec and calls nothing', async (_what, input) => {
    const cluster = new InMemoryCluster();
    const failure = await failureOf(kit.run(cluster, 'apply', input));
    expect(failure.type).toBe(FailureType.InvalidSpec);
    expect(failure.message).toContain('nothing was changed');
    expect(cluster.calls).toEqual([]);
  });

  test('suspend of a malformed app reference fails with InvalidSpec and calls nothing', async () => {
    const cluster = new InMemoryCluster();
    const failure = await failureOf(kit.run(cluster, 'suspend', { app: { namespace: 'default', name: '../x' } }));
    expect(failure.type).toBe(FailureType.InvalidSpec);
    expect(cluster.calls).toEqual([]);
  });
});

describe('item 1: whatever runs is secured first, whatever the status', () => {
  test('rollback from failed stops the job Flink says runs with a savepoint before tearing it down', async () => {
    const cluster = await failedButRunning();
    const runningJob = cluster.runningJobs()[0]!;
    cluster.calls = [];

    const result = await kit.run(cluster, 'rollback', { app });

    expect(result.outcome).toBe('succeeded');
    const stop = cluster.calls.find((c) => c.name === 'takeSavepoint')?.input as { jobId: string; stop: boolean };
    expect(stop).toMatchObject({ jobId: runningJob.jobId, stop: true });
    expect(names(cluster).indexOf('takeSavepoint')).toBeLessThan(names(cluster).indexOf('applyApplication'));
    expect(result.restoredFrom).toBe(result.savepoint);
    expect(cluster.record?.savepoints.map((s) => s.location)).toContain(result.savepoint);
    expect(cluster.record).toMatchObject({ status: 'running', operation: null });
  });

  test('savepoint and suspend accept failed when Flink says the job runs, and refuse when it does not', async () => {
    const cluster = await failedButRunning();
    const sp = await kit.run(cluster, 'savepoint', { app, kind: 'manual' });
    expect(sp).toMatchObject({ outcome: 'succeeded', jobId: cluster.runningJobs()[0]!.jobId });
    const suspended = await kit.run(cluster, 'suspend', { app });
    expect(suspended.outcome).toBe('succeeded');
    expect(cluster.record?.status).toBe('suspended');

    const dead = await failedButRunning();
    dead.jobs.at(-1)!.state = 'FAILED';
    const refused = await failureOf(kit.run(dead, 'suspend', { app }));
    expect(refused.type).toBe(FailureType.NothingToDo);
    expect(dead.calls.filter((c) => c.name === 'takeSavepoint')).toHaveLength(1); // the upgrade's only
  });
});

describe('item 2: a cancel during stop-with-savepoint of suspend or rollback', () => {
  async function cancelDuringSavepoint(cluster: InMemoryCluster, workflow: string): Promise<OperationResult> {
    cluster.script.savepointMs = 1_500;
    const before = cluster.triggers.length;
    return kit.withWorker(cluster.activities(), async (taskQueue) => {
      const handle = await kit.env.client.workflow.start(workflow, {
        taskQueue,
        workflowId: kit.nextWorkflowId(),
        args: [{ app }],
      });
      for (let i = 0; i < 200 && cluster.triggers.length === before; i++) await new Promise((r) => setTimeout(r, 25));
      await handle.cancel();
      return handle.result();
    });
  }

  test(
    'suspend: the savepoint is recorded, the suspend ' + 'finished, and the result says the cancel came too late',
    async () => {
      const cluster = await deployed();
      const result = await cancelDuringSavepoint(cluster, 'suspend');
      expect(result.outcome).toBe('succeeded');
      expect(result.message).toMatch(/^cancel requested while job \w+ was being stopped with savepoint \S+: /);
      expect(cluster.record?.savepoints.map((s) => s.location)).toContain(result.savepoint);
      expect(cluster.record).toMatchObject({ status: 'suspended', operation: null });
      expect(cluster.runningJobs()).toHaveLength(0);
    },
  );

  test('rollback: the savepoint is recorded and the last stable version runs from it', async () => {
    const cluster = await failedButRunning();
    const result = await cancelDuringSavepoint(cluster, 'rollback');
    expect(result.message).toContain('cancel requested while job');
    expect(cluster.record?.savepoints.map((s) => s.location)).toContain(result.savepoint);
    expect(cluster.runningJobs().map((j) => j.restoredFrom)).toEqual([result.savepoint]);
    expect(cluster.record).toMatchObject({ status: 'running', operation: null });
  });
});

describe('item 7: from failed or unfinished there is always a next step', () => {
  test('a first deploy whose job FAILED: re-applying runs again, a fixed spec deploys', async () => {
    const cluster = new InMemoryCluster();
    cluster.script.failingImages = ['flink:2.3-broken'];
    expect((await failureOf(kit.run(cluster, 'apply', { spec: broken }))).type).toBe(FailureType.JobFailed);

    const again = await failureOf(kit.run(cluster, 'apply', { spec: broken }));
    expect(again.type).toBe(FailureType.JobFailed); // ran again: never "nothing changed"
    expect(cluster.calls.filter((c) => c.name === 'applyApplication')).toHaveLength(2);

    const fixed = await kit.run(cluster, 'apply', { spec: baseSpec });
    expect(fixed).toMatchObject({ operation: 'deploy', outcome: 'succeeded' });
    expect(fixed.message).toContain('the last operation never finished');
    expect(fixed.message).toContain('fresh (no secured state recorded)');
    expect(cluster.record).toMatchObject({ status: 'running', operation: null, lastStableJobId: fixed.jobId });
  });

  /** A broken upgrade with nothing stable to roll back to: status failed, its savepoint recorded. */
  async function failedAfterSavepoint(): Promise<{ cluster: InMemoryCluster; secured: string }> {
    const cluster = await deployed();
    cluster.script.failingImages = ['flink:2.3-broken'];
    cluster.record = { ...cluster.record!, lastStableSpec: null, lastStableJobId: null };
    expect((await failureOf(kit.run(cluster, 'apply', { spec: broken }))).type).toBe(FailureType.RollbackFailed);
    cluster.script.failingImages = [];
    expect(cluster.record?.status).toBe('failed');
    return { cluster, secured: cluster.record!.savepoints.find((s) => s.kind === 'upgrade')!.location };
  }

  test('a failed job after a secured state: apply restores from the latest savepoint', async () => {
    const { cluster, secured } = await failedAfterSavepoint();
    const fixed = await kit.run(cluster, 'apply', { spec: v2 });
    expect(fixed.restoredFrom).toBe(secured);
    expect(fixed.message).toContain(`from the latest secured state ${secured}`);
    expect(cluster.runningJobs().map((j) => j.restoredFrom)).toEqual([secured]);
  });

  test('... or fresh with fromScratch, and says so', async () => {
    const { cluster } = await failedAfterSavepoint();
    const fresh = await kit.run(cluster, 'apply', { spec: v2, fromScratch: true });
    expect(fresh.restoredFrom).toBeUndefined();
    expect(fresh.message).toContain('from scratch');
    expect(cluster.runningJobs().map((j) => j.restoredFrom)).toEqual([undefined]);
  });

  test(
    'an upgrade interrupted in WaitingForStable: the same ' + 'spec finishes it (verified stable, recorded)',
    async () => {
      const cluster = await deployed();
      // The record of an upgrade terminated after its rollout: a deploying generation never marked stable.
      await kit.run(cluster, 'apply', { spec: v2 });
      const job = cluster.runningJobs()[0]!;
      cluster.record = { ...cluster.record!, lastStableSpec: baseSpec, lastStableJobId: 'old-job' };
      cluster.calls = [];

      const result = await kit.run(cluster, 'apply', { spec: v2 });

      expect(result.outcome).toBe('succeeded');
      expect(result.message).toContain('finished the interrupted operation');
      expect(names(cluster)).toContain('awaitJobStable');
      expect(names(cluster)).not.toContain('applyApplication');
      expect(cluster.record).toMatchObject({ lastStableJobId: job.jobId, operation: null });
      expect(cluster.record?.lastStableSpec?.image).toBe('flink:2.3-v2');
    },
  );

  test('an interrupted upgrade whose job is not stable is undone: secured, then the last stable spec', async () => {
    const cluster = await deployed();
    await kit.run(cluster, 'apply', { spec: v2 });
    cluster.record = { ...cluster.record!, lastStableSpec: baseSpec, lastStableJobId: 'old-job' };
    cluster.script.unstableImages = ['flink:2.3-v2'];
    cluster.calls = [];

    const result = await kit.run(cluster, 'apply', { spec: v2 });

    expect(result.message).toContain('undid the interrupted operation');
    expect(names(cluster).indexOf('takeSavepoint')).toBeLessThan(names(cluster).indexOf('applyApplication'));
    expect(cluster.runningJobs().map((j) => j.image)).toEqual(['flink:2.3']);
    expect(cluster.record?.lastStableSpec?.image).toBe('flink:2.3');
  });

  test('an interrupted upgrade whose job FAILED is undone from the state it restored, never secured', async () => {
    // The fault matrix's rollback-auto/WaitingForStable/terminate: the failing version applied again over its
    // terminated upgrade; its job RUNNING when looked at, FAILED in the stability wait (no savepoint of it possible).
    const cluster = await deployed();
    await kit.run(cluster, 'apply', { spec: v2 });
    const restoredFrom = cluster.record!.restoredFrom!;
    expect(restoredFrom).toBeTruthy();
    cluster.record = { ...cluster.record!, lastStableSpec: baseSpec, lastStableJobId: 'old-job' };
    cluster.script.failingImages = ['flink:2.3-v2'];
    cluster.calls = [];

    const failure = await failureOf(kit.run(cluster, 'apply', { spec: v2 }));

    expect(failure.type).toBe(FailureType.UpgradeRolledBack);
    expect(failure.message).toContain("rolled back: the interrupted operation's job");
    expect(names(cluster)).not.toContain('takeSavepoint');
    const back = cluster.calls.filter((c) => c.name === 'applyApplication').at(-1)!.input as {
      spec: AppSpec;
      restore?: { path: string };
    };
    expect(back.spec.image).toBe('flink:2.3');
    expect(back.restore?.path).toBe(restoredFrom);
    expect(cluster.runningJobs().map((j) => j.image)).toEqual(['flink:2.3']);
    expect(cluster.record).toMatchObject({ status: 'running', operation: null, restoredFrom });
    expect(cluster.record?.history.at(-1)).toMatchObject({ outcome: 'rolled-back' });
  });

  test('a failing spec redeployed over an interrupted rollback: the last stable spec comes back, said', async () => {
    // An automatic rollback terminated while it rolled back (the fault matrix's rollback-auto/RollingBack/terminate):
    // the record names the failing version's job, FAILED; the old job stopped with its savepoint, recorded.
    const cluster = await deployed();
    cluster.script.failingImages = ['flink:2.3-broken'];
    const secured = (await kit.run(cluster, 'savepoint', { app })).savepoint!;
    for (const job of cluster.jobs) job.state = 'FAILED';
    cluster.record = { ...cluster.record!, lastAppliedSpec: broken, jobId: 'failed-job' };

    const failure = await failureOf(kit.run(cluster, 'apply', { spec: broken }));

    expect(failure.type).toBe(FailureType.UpgradeRolledBack);
    expect(failure.message).toContain('upgrade failed, rolled back');
    expect(cluster.runningJobs().map((j) => [j.image, j.restoredFrom])).toEqual([['flink:2.3', secured]]);
    expect(cluster.record).toMatchObject({ status: 'running', operation: null });
    expect(cluster.record?.lastStableSpec?.image).toBe('flink:2.3');
  });

  test('a resume interrupted in WaitingForStable: resume again finishes it (verified stable, recorded)', async () => {
    const cluster = await deployed();
    await kit.run(cluster, 'suspend', { app });
    await kit.run(cluster, 'resume', { app });
    const job = cluster.runningJobs()[0]!;
    // The record of a resume terminated after its rollout: a deploying generation never marked stable.
    cluster.record = { ...cluster.record!, lastStableJobId: 'old-job' };
    cluster.calls = [];

    const result = await kit.run(cluster, 'resume', { app });

    expect(result.outcome).toBe('succeeded');
    expect(result.message).toContain('finished the interrupted operation');
    expect(names(cluster)).not.toContain('applyApplication');
    expect(cluster.record).toMatchObject({ status: 'running', lastStableJobId: job.jobId, operation: null });
  });

  test('a rollback interrupted in Deploying: rollback again deploys the stable spec from its state', async () => {
    // A rollback terminated after it recorded its generation, before its JobManager came up (the fault matrix's
    // rollback/Deploying/terminate): the record says running, its job never started.
    const cluster = await deployed();
    const suspended = await kit.run(cluster, 'suspend', { app });
    cluster.record = { ...cluster.record!, status: 'running', generation: 3, jobId: 'c'.repeat(32) };
    cluster.calls = [];

    const result = await kit.run(cluster, 'rollback', { app });

    expect(result.outcome).toBe('succeeded');
    expect(result.message).toContain('the last operation never finished');
    expect(names(cluster)).not.toContain('takeSavepoint');
    expect(cluster.runningJobs().map((j) => [j.image, j.restoredFrom])).toEqual([['flink:2.3', suspended.savepoint]]);
    expect(cluster.record).toMatchObject({ status: 'running', operation: null, lastStableJobId: result.jobId });
  });
});
