/**
 * apply over a record that says a job runs, after an operation that closed while it stopped the job
 * (docs/recovery.md): a suspend or upgrade terminated in Savepointing or Cancelling left the job FINISHED or
 * CANCELED and the record `running`; the manifest applied again deploys from the newest state that job left (the
 * savepoint the lock's takeover recorded, or the checkpoint Flink names for the cancelled job), never "nothing
 * changed". A job Flink runs, does not know, or does not answer for is left to the diff: never torn down.
 * In-memory activities, time-skipping server; on the stack: test/faults/stuck.test.ts.
 */
import type { FlinkDeployActivities } from '../../../src/activities/types';
import type { SavepointEntry } from '../../../src/contract/savepoints';
import { counterSpec } from '../../support/counter-spec';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';

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

test.each([
  ['does not answer', { state: 'UNREACHABLE', reason: 'connect ECONNREFUSED' }],
  ['does not know the job', { state: 'NOT_FOUND' }],
])('closed in Cancelling, the JobManager %s: the diff, never torn down', async (_, answer) => {
  const { cluster } = await closedWhileStopping('apply', 'Cancelling', 'RUNNING');
  const job = cluster.runningJobs()[0]!;

  const result = await run(cluster, { jobState: async () => answer });

  expect(result.outcome).toBe('no-change');
  expect(acted(cluster)).toEqual([]);
  expect(cluster.runningJobs()).toEqual([job]);
});
