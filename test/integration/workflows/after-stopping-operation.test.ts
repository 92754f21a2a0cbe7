/**
 * apply over a record that says a job runs, after an operation that closed while it stopped the job
 * (docs/recovery.md): a suspend or upgrade terminated in Savepointing or Cancelling left the job FINISHED or
 * CANCELED and the record `running`; the manifest applied again deploys from the newest state that job left (the
 * savepoint the lock's takeover recorded, or the checkpoint Flink names for the cancelled job), never "nothing
 * changed". A job Flink runs, or does not answer for, is left to the diff: never torn down. One Flink does not know
 * once asked again is deployed from the savepoint that operation recorded of it, or the state the manifest names;
 * with neither, the apply fails and says what the choices are.
 * In-memory activities, time-skipping server; on the stack: test/faults/stuck.test.ts.
 */
import type { FlinkDeployActivities } from '../../../src/activities/types';
import type { SavepointEntry } from '../../../src/contract/savepoints';
import { counterSpec } from '../../support/counter-spec';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { failureOf } from '../../support/workflow-failure';
import { UNKNOWN_JOB_WAIT_SECONDS } from '../../../src/workflows/finish-unfinished';

const spec = counterSpec();
const kit = workflowRunner('stopping');

const run = (cluster: InMemoryCluster, overrides: Partial<FlinkDeployActivities> = {}, input: unknown = { spec }) =>
  kit.run({ activities: () => ({ ...cluster.activities(), ...overrides }) }, 'apply', input);

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/**
 * A deployed application whose last operation (`type`) was closed (`abandoned`) in `phase` with its job left in
 * `jobState`; `savepoint`: the entry the lock's takeover recorded for that run's trigger.
 */
async function closedWhileStopping(
  type: string,
  phase: string,
  jobState: 'FINISHED' | 'CANCELED' | 'RUNNING',
  savepoint?: Partial<SavepointEntry>,
): Promise<{ cluster: InMemoryCluster; jobId: string }> {
  const cluster = new InMemoryCluster();
  expect((await run(cluster)).outcome).toBe('succeeded');
  const record = cluster.record!;
  const jobId = record.jobId!;
  cluster.jobs.find((j) => j.jobId === jobId)!.state = jobState;
  const past = {
    workflowId: 'w',
    runId: 'r',
    type,
    lastPhase: phase,
    startedAt: '',
    endedAt: '',
    outcome: 'abandoned',
  };
  const taken = savepoint && {
    location: 'file:///savepoints/savepoint-stopped',
    kind: 'suspend' as const,
    time: minutesAgo(1).toISOString(),
    triggerId: 't1',
    jobId,
    disposed: false,
    ...savepoint,
  };
  cluster.record = {
    ...record,
    history: [...record.history, past],
    savepoints: taken ? [...record.savepoints, taken] : record.savepoints,
  };
  cluster.calls = [];
  return { cluster, jobId };
}

const acted = (cluster: InMemoryCluster) =>
  cluster.calls.map((c) => c.name).filter((n) => ['takeSavepoint', 'cancelJob', 'applyApplication'].includes(n));

test('a suspend terminated in Savepointing, its job FINISHED: apply deploys from THAT savepoint', async () => {
  const { cluster, jobId } = await closedWhileStopping('suspend', 'Savepointing', 'FINISHED', {});

  const result = await run(cluster);

  const stopped = 'file:///savepoints/savepoint-stopped';
  expect(result).toMatchObject({ operation: 'deploy', outcome: 'succeeded', restoredFrom: stopped });
  expect(result.message).toContain('its suspend ended abandoned in phase Savepointing; Flink: FINISHED');
  expect(result.message).toContain(`from the latest secured state ${stopped}`);
  expect(cluster.runningJobs().map((j) => j.restoredFrom)).toEqual([stopped]);
  expect(cluster.record).toMatchObject({ status: 'running', operation: null, lastStableJobId: result.jobId });
  expect(result.jobId).not.toBe(jobId);
  expect(cluster.calls.filter((c) => c.name === 'takeSavepoint')).toEqual([]);
});

test('a last-state upgrade terminated in Cancelling: deployed from the checkpoint Flink names, recorded', async () => {
  const { cluster, jobId } = await closedWhileStopping('apply', 'Cancelling', 'CANCELED');
  const older = { location: 'file:///savepoints/older', kind: 'manual' as const, time: minutesAgo(30).toISOString() };
  cluster.record = { ...cluster.record!, savepoints: [{ ...older, triggerId: 't0', jobId, disposed: false }] };
  const checkpoint = 'file:///checkpoints/job/chk-7';
  cluster.script.checkpoint = { id: 7, location: checkpoint, completedAt: minutesAgo(1).getTime(), ageSeconds: 60 };

  const result = await run(cluster);

  expect(result).toMatchObject({ operation: 'deploy', outcome: 'succeeded', restoredFrom: checkpoint });
  expect(cluster.runningJobs().map((j) => j.restoredFrom)).toEqual([checkpoint]);
  expect(cluster.record!.savepoints).toContainEqual(
    expect.objectContaining({ location: checkpoint, kind: 'checkpoint', jobId }),
  );
  // Recorded before the new generation was.
  const names = cluster.calls.map((c) => c.name);
  expect(names.slice(0, names.indexOf('applyApplication'))).toContain('stateLeft');
});

test('the savepoint recorded after the checkpoint Flink names: the savepoint', async () => {
  const { cluster } = await closedWhileStopping('apply', 'Savepointing', 'FINISHED', { kind: 'upgrade' });
  const checkpoint = 'file:///checkpoints/job/chk-6';
  cluster.script.checkpoint = { id: 6, location: checkpoint, completedAt: minutesAgo(3).getTime(), ageSeconds: 180 };

  const result = await run(cluster);

  expect(result.restoredFrom).toBe('file:///savepoints/savepoint-stopped');
  expect(cluster.record!.savepoints.map((s) => s.location)).not.toContain(checkpoint);
});

test('its trigger forgotten by Flink: the savepoint Flink names for the FINISHED job, recorded', async () => {
  const { cluster, jobId } = await closedWhileStopping('suspend', 'Savepointing', 'FINISHED');
  const checkpoint = 'file:///checkpoints/job/chk-5';
  cluster.script.checkpoint = { id: 5, location: checkpoint, completedAt: minutesAgo(2).getTime(), ageSeconds: 120 };
  const stopped = 'file:///savepoints/savepoint-forgotten';
  cluster.script.savepointLeft = { id: 6, location: stopped, completedAt: minutesAgo(1).getTime() };

  const result = await run(cluster);

  expect(result).toMatchObject({ operation: 'deploy', outcome: 'succeeded', restoredFrom: stopped });
  expect(cluster.runningJobs().map((j) => j.restoredFrom)).toEqual([stopped]);
  // Recorded as the suspend's savepoint (retention and resume know it), before the new generation was.
  expect(cluster.record!.savepoints).toContainEqual(
    expect.objectContaining({ location: stopped, kind: 'suspend', triggerId: null, jobId, disposed: false }),
  );
  const names = cluster.calls.map((c) => c.name);
  expect(names.slice(0, names.indexOf('applyApplication'))).toContain('stateLeft');
  expect(names).not.toContain('takeSavepoint');
});

test('the savepoint Flink names is the one the takeover recorded: restored, not recorded twice', async () => {
  const { cluster } = await closedWhileStopping('suspend', 'Savepointing', 'FINISHED', {});
  // Flink writes `file:/x` where the record may hold `file:///x`: the same savepoint.
  cluster.script.savepointLeft = { id: 6, location: 'file:/savepoints/savepoint-stopped/', completedAt: Date.now() };
  const before = cluster.record!.savepoints.length;

  const result = await run(cluster);

  expect(result.restoredFrom).toBe('file:///savepoints/savepoint-stopped');
  expect(cluster.record!.savepoints).toHaveLength(before);
});

test('a savepoint older than the checkpoint Flink names (taken while it ran): the checkpoint', async () => {
  const { cluster } = await closedWhileStopping('apply', 'Cancelling', 'CANCELED');
  const checkpoint = 'file:///checkpoints/job/chk-9';
  cluster.script.checkpoint = { id: 9, location: checkpoint, completedAt: minutesAgo(1).getTime(), ageSeconds: 60 };
  cluster.script.savepointLeft = {
    id: 4,
    location: 'file:///savepoints/manual-4',
    completedAt: minutesAgo(5).getTime(),
  };

  const result = await run(cluster);

  expect(result.restoredFrom).toBe(checkpoint);
  expect(cluster.record!.savepoints.map((s) => s.location)).not.toContain('file:///savepoints/manual-4');
});

test('FINISHED, a checkpoint newer than the recorded savepoint: the savepoint (checkpoints deleted)', async () => {
  const { cluster } = await closedWhileStopping('suspend', 'Savepointing', 'FINISHED', {
    time: minutesAgo(5).toISOString(),
  });
  const checkpoint = 'file:///checkpoints/job/chk-8';
  cluster.script.checkpoint = { id: 8, location: checkpoint, completedAt: minutesAgo(1).getTime(), ageSeconds: 60 };

  const result = await run(cluster);

  expect(result.restoredFrom).toBe('file:///savepoints/savepoint-stopped');
  expect(cluster.record!.savepoints.map((s) => s.location)).not.toContain(checkpoint);
});

test('a changed manifest over the FINISHED job: the new spec from that savepoint, nothing stopped', async () => {
  const { cluster } = await closedWhileStopping('suspend', 'Savepointing', 'FINISHED', {});
  const changed = { ...spec, image: 'counter:2' };

  const result = await run(cluster, {}, { spec: changed });

  expect(result).toMatchObject({ operation: 'deploy', restoredFrom: 'file:///savepoints/savepoint-stopped' });
  expect(cluster.runningJobs().map((j) => j.image)).toEqual(['counter:2']);
  expect(cluster.calls.map((c) => c.name)).not.toContain('takeSavepoint');
});

test('closed in Savepointing with the job RUNNING (the stop never landed): the diff, nothing stopped', async () => {
  const { cluster } = await closedWhileStopping('suspend', 'Savepointing', 'RUNNING');
  const job = cluster.runningJobs()[0]!;

  const result = await run(cluster);

  expect(result.outcome).toBe('no-change');
  expect(cluster.calls.map((c) => c.name)).toContain('jobState');
  expect(acted(cluster)).toEqual([]);
  expect(cluster.runningJobs()).toEqual([job]);
});

test('closed in Cancelling, the JobManager does not answer: the diff, never torn down', async () => {
  const { cluster } = await closedWhileStopping('apply', 'Cancelling', 'RUNNING');
  const job = cluster.runningJobs()[0]!;

  const result = await run(cluster, {
    jobState: async () => ({ state: 'UNREACHABLE', reason: 'connect ECONNREFUSED' }),
  });

  expect(result.outcome).toBe('no-change');
  expect(acted(cluster)).toEqual([]);
  expect(cluster.runningJobs()).toEqual([job]);
});

/** Flink's answers for the job, one per ask, the last repeated; how many times it was asked. */
function answers(...states: string[]): { jobState: () => Promise<{ state: string }>; asked: () => number } {
  let asked = 0;
  return {
    jobState: async () => ({ state: states[Math.min(asked++, states.length - 1)]! }),
    asked: () => asked,
  };
}

/** Flink never knows the job. */
const notFound = () => ({ jobState: answers('NOT_FOUND').jobState });

test('Flink does not know the job, then knows it RUNNING (recovering it): the diff, nothing stopped', async () => {
  const { cluster } = await closedWhileStopping('apply', 'Cancelling', 'RUNNING');
  const job = cluster.runningJobs()[0]!;
  const flink = answers('NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'RUNNING');

  const result = await run(cluster, { jobState: flink.jobState });

  expect(result.outcome).toBe('no-change');
  expect(flink.asked()).toBeGreaterThanOrEqual(4);
  expect(acted(cluster)).toEqual([]);
  expect(cluster.runningJobs()).toEqual([job]);
});

test('a job Flink does not know, its suspend savepoint recorded: deployed from THAT savepoint', async () => {
  const { cluster } = await closedWhileStopping('suspend', 'Savepointing', 'FINISHED', {});
  const flink = answers('NOT_FOUND');

  const result = await run(cluster, { jobState: flink.jobState });

  const stopped = 'file:///savepoints/savepoint-stopped';
  expect(result).toMatchObject({ operation: 'deploy', outcome: 'succeeded', restoredFrom: stopped });
  expect(result.message).toContain('Flink: NOT_FOUND');
  expect(cluster.runningJobs().map((j) => j.restoredFrom)).toEqual([stopped]);
  // Asked again for UNKNOWN_JOB_WAIT_SECONDS (every 5 s) before it counted as gone.
  expect(flink.asked()).toBe(1 + UNKNOWN_JOB_WAIT_SECONDS / 5);
  expect(cluster.calls.map((c) => c.name)).not.toContain('takeSavepoint');
});

test('a job Flink does not know, its state unrecorded: failed with the choices, nothing deployed', async () => {
  const { cluster, jobId } = await closedWhileStopping('apply', 'Cancelling', 'CANCELED');
  const older = 'file:///savepoints/older';
  const entry = { location: older, kind: 'manual' as const, time: minutesAgo(30).toISOString() };
  cluster.record = { ...cluster.record!, savepoints: [{ ...entry, triggerId: 't0', jobId, disposed: false }] };
  const withDirs = {
    ...spec,
    flinkConfiguration: {
      ...spec.flinkConfiguration,
      'execution.checkpointing.dir': 'file:///checkpoints',
      'execution.checkpointing.savepoint-dir': 'file:///savepoints',
    },
  };
  cluster.record = { ...cluster.record, lastAppliedSpec: withDirs };
  const generation = cluster.record.generation;

  const failure = await failureOf(run(cluster, notFound(), { spec: withDirs }));

  expect(failure.type).toBe('StateUnknown');
  expect(failure.message).toContain(`Flink does not know job ${jobId}`);
  expect(failure.message).toContain(`savepoint-${jobId.slice(0, 6)}-… under file:///savepoints`);
  expect(failure.message).toContain(`file:///checkpoints/${jobId}/chk-…`);
  expect(failure.message).toContain('Set spec.job.initialSavepointPath');
  expect(failure.message).toContain(`apply unchanged restores the latest recorded ${older}`);
  expect(failure.message).toContain('apply --from-scratch');
  expect(acted(cluster)).toEqual([]);
  expect(cluster.record).toMatchObject({ status: 'failed', generation, jobId, operation: null });
  expect(cluster.record!.failureReason).toContain(`Flink does not know job ${jobId}`);
});

test('then the manifest naming the state to restore (initialSavepointPath changed): deployed from it', async () => {
  const { cluster } = await closedWhileStopping('apply', 'Cancelling', 'CANCELED');
  await failureOf(run(cluster, notFound()));
  const chosen = 'file:///checkpoints/job/chk-12';

  const result = await run(cluster, notFound(), {
    spec: { ...spec, job: { ...spec.job, initialSavepointPath: chosen } },
  });

  expect(result).toMatchObject({ operation: 'deploy', outcome: 'succeeded', restoredFrom: chosen });
  expect(cluster.runningJobs().map((j) => j.restoredFrom)).toEqual([chosen]);
  expect(cluster.record).toMatchObject({ status: 'running', operation: null, lastStableJobId: result.jobId });
});

test('initialSavepointPath changed where the record tells the state: the recorded one (first deploy)', async () => {
  const named = { spec: { ...spec, job: { ...spec.job, initialSavepointPath: 'file:///savepoints/other' } } };
  const ended = await closedWhileStopping('suspend', 'Savepointing', 'FINISHED', {});
  expect((await run(ended.cluster, {}, named)).restoredFrom).toBe('file:///savepoints/savepoint-stopped');

  // Failed for another reason, the job gone: the latest recorded state, as before.
  const { cluster, jobId } = await closedWhileStopping('apply', 'Cancelling', 'CANCELED', {});
  cluster.record = { ...cluster.record!, status: 'failed', failureReason: `rollback failed: job ${jobId} FAILED` };
  expect((await run(cluster, notFound(), named)).restoredFrom).toBe('file:///savepoints/savepoint-stopped');
});

test('then apply unchanged: the latest recorded state; with --from-scratch: fresh', async () => {
  const recordedThen = await closedWhileStopping('apply', 'Cancelling', 'CANCELED');
  const older = 'file:///savepoints/older';
  const entry = { location: older, kind: 'manual' as const, time: minutesAgo(30).toISOString() };
  const { jobId } = recordedThen;
  recordedThen.cluster.record = {
    ...recordedThen.cluster.record!,
    savepoints: [{ ...entry, triggerId: 't0', jobId, disposed: false }],
  };
  await failureOf(run(recordedThen.cluster, notFound()));
  expect((await run(recordedThen.cluster, notFound())).restoredFrom).toBe(older);

  const { cluster } = await closedWhileStopping('apply', 'Cancelling', 'CANCELED');
  const fresh = await run(cluster, notFound(), { spec, fromScratch: true });
  expect(fresh).toMatchObject({ operation: 'deploy', outcome: 'succeeded' });
  expect(fresh.restoredFrom).toBeUndefined();
  expect(fresh.message).toContain('from scratch');
});
