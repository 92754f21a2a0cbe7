/**
 * latestCheckpoint after a JobManager took over (HA): the new JobManager restores the job from the newest
 * checkpoint and counts none completed until the next one. Cancelled before then (a last-state upgrade whose
 * JobManager was deleted at Cancelling, a matrix cell), the job's state is the checkpoint it restored; the older
 * one read before the takeover was deleted when Flink subsumed it, and the upgrade and its rollback both failed
 * restoring from it ("Could not start the JobMaster"). The real activity over the mock Flink.
 */
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';

const app = { namespace: 'default', name: 'counter' };
const jobId = 'bf32ba71f26948abbdd3a8c7d2ba9f19';
const checkpoint = (id: number) => `file:///flink/checkpoints/${jobId}/chk-${id}`;

let h: ActivityHarness;
afterEach(() => h.close());

test('a job cancelled after a JobManager took over: the checkpoint it restored, none completed since', async () => {
  h = activityHarness();
  h.flink.runJob(jobId, { state: 'CANCELED', restoredFrom: checkpoint(25), restoredCheckpointId: 25 });

  const latest = await h.run('latestCheckpoint', { app, jobId });

  expect(latest).toMatchObject({ id: 25, location: checkpoint(25) });
});

test('a checkpoint completed since the takeover: that one, the newer', async () => {
  h = activityHarness();
  h.flink.runJob(jobId, {
    state: 'CANCELED',
    restoredFrom: checkpoint(25),
    restoredCheckpointId: 25,
    completedCheckpoints: 26,
    latestCheckpoint: checkpoint(26),
  });

  await expect(h.run('latestCheckpoint', { app, jobId })).resolves.toMatchObject({ id: 26, location: checkpoint(26) });
});

test('restored from a savepoint, none completed since: no checkpoint (the savepoint is recorded as one)', async () => {
  h = activityHarness();
  h.flink.runJob(jobId, { state: 'CANCELED', restoredFrom: 'file:///flink/savepoints/savepoint-1' });

  await expect(h.run('latestCheckpoint', { app, jobId })).resolves.toBeNull();
});
