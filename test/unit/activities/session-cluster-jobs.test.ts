/**
 * sessionClusterJobs, the real activity over the in-memory Kubernetes and the mock Flink: the jobs a session cluster
 * runs are Flink's answer while its JobManager Deployment stands; with none (a delete or suspend that removed it was
 * terminated before it recorded its end) no job runs there, answered without its REST, which would never answer.
 * Found by the fault matrix (`delete-session-cluster/RemovingObjects/terminate`): the delete run again to lead on
 * failed, "Service …-rest has no ready endpoint yet", and the cluster's record stayed `running` with nothing of it.
 */
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';
import { sessionClusterSpec } from '../../support/session-cluster-spec';

const spec = sessionClusterSpec({ replicas: 1 });
const app = { namespace: spec.namespace, name: spec.name };
const running = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const ended = 'ffff2c3d4e5f60718293a4b5c6d7e8f9';
const overview = /^\/jobs\/overview$/;

let h: ActivityHarness;
afterEach(() => h.close());

async function deployed(): Promise<void> {
  await h.run('beginOperation', { app, workflowId: 'wf', runId: 'r', operation: 'deploy' });
  await h.run('applyApplication', { spec, generation: 1 });
}

test('its JobManager Deployment standing: the jobs Flink lists that have not finished', async () => {
  h = activityHarness();
  await deployed();
  h.flink.runJob(running);
  h.flink.runJob(ended, { state: 'FINISHED' });

  await expect(h.run('sessionClusterJobs', { app })).resolves.toEqual([
    { jobId: running, name: running, state: 'RUNNING' },
  ]);
  expect(h.flink.count('GET', overview)).toBe(1);
});

test('its JobManager Deployment standing and its REST unreachable: a failure (retried), never "no jobs"', async () => {
  h = activityHarness();
  await deployed();
  h.flink.runJob(running);
  h.flink.inject(overview, 'unreachable', { times: 10 });

  await expect(h.run('sessionClusterJobs', { app })).rejects.toThrow('could not reach Flink');
});

test('no JobManager Deployment (removed by a run that was terminated): no jobs, its REST not asked', async () => {
  h = activityHarness();
  await deployed();
  h.flink.runJob(running);
  h.flink.inject(overview, 'unreachable', { times: 10 });
  await h.run('removeDeployments', { app });

  await expect(h.run('sessionClusterJobs', { app })).resolves.toEqual([]);
  expect(h.flink.count('GET', overview)).toBe(0);
});
