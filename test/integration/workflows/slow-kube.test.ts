/**
 * A Kubernetes API that answers slowly (admission webhooks of seconds per write): the apply of a deploy is five
 * writes, here 4.5 s each, 22.5 s in all, longer than the activities' 20 s heartbeat timeout. Before
 * src/activities/keep-alive.ts every attempt of the apply was timed out by Temporal and retried, for ever: the
 * deploy never left Deploying. Now the apply beats while its calls run: one attempt, and the deploy finishes.
 * The workflow with the real activities over the simulated cluster (the in-memory Kubernetes, its writes slowed
 * here), on the test server; the heartbeat timeout is Temporal's own, in real time while the activity runs.
 * The same for a record write: a manual savepoint's takeSavepoint writes the Savepointing phase first
 * (recordFirst, as blue/green's steps do); here that write answers in 21 s. Before 53185df every attempt timed
 * out there: the savepoint was never taken. Now one attempt, and the savepoint is recorded.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type AppSpec } from '../../../src/spec';
import { operationWorkflowId } from '../../../src/contract/ids';
import { apply, savepoint } from '../../../src/workflows';
import { SimulatedCluster } from '../../support/simulated-cluster';
import { slowRecordWrites } from '../../support/slow-records';
import { workflowRunner } from '../../support/workflow-env';
import { counterSpec } from '../../support/counter-spec';

const loaded = counterSpec();
const spec: AppSpec = { ...loaded, stability: { windowSeconds: 1, requireCheckpoint: false, timeoutSeconds: 60 } };
const app = { namespace: spec.namespace, name: spec.name };
const WRITE_MS = 4_500;
/** Longer than the 20 s heartbeat timeout (src/workflows/activity-profiles.ts), shorter than a request's 30 s. */
const RECORD_WRITE_MS = 21_000;

const kit = workflowRunner('counter');
let cluster: SimulatedCluster;
afterAll(async () => {
  await cluster?.close();
});

test('an apply slower than the heartbeat timeout (5 writes of 4.5 s): one attempt, the deploy finishes', async () => {
  cluster = new SimulatedCluster({ namespace: app.namespace, app: app.name });
  const fast = cluster.kube.apply.bind(cluster.kube);
  let slowWrites = 0;
  cluster.kube.apply = async (objects) => {
    const applied = [];
    for (const object of objects) {
      // Only the application's objects are slow (the record and the rest answer at once).
      if (object.metadata?.labels?.['app.kubernetes.io/instance'] === app.name) {
        slowWrites += 1;
        await sleep(WRITE_MS);
      }
      applied.push(...(await fast([object])));
    }
    return applied;
  };
  const jobManagerApplies = () =>
    cluster.kube.calls.filter((c) => c.startsWith('apply') && c.endsWith(`${app.name}-jobmanager`)).length;

  const result = await kit.execute(cluster.activities(), apply, { spec }, `${operationWorkflowId(app)}-slow`);

  expect(result).toMatchObject({ operation: 'deploy', outcome: 'succeeded' });
  expect(slowWrites * WRITE_MS).toBeGreaterThan(20_000);
  // One attempt: a heartbeat timeout would have applied the JobManager's Deployment again.
  expect(jobManagerApplies()).toBe(1);
}, 120_000);

test('a manual savepoint whose phase write answers in 21 s: one attempt, the savepoint recorded', async () => {
  const slowed = new SimulatedCluster({ namespace: app.namespace, app: app.name });
  try {
    const deployed = await kit.execute(slowed.activities(), apply, { spec }, `${operationWorkflowId(app)}-deploy`);
    expect(deployed).toMatchObject({ operation: 'deploy', outcome: 'succeeded' });
    const running = slowed.jobManager().jobId;

    const activities = slowed.activities();
    let phaseFirst = false;
    // Every attempt's first step (recordFirst) is slow, so a timed-out attempt would be retried for ever.
    const writes = slowRecordWrites(slowed.kube.records, RECORD_WRITE_MS, () => {
      const slow = phaseFirst;
      phaseFirst = false;
      return slow;
    });
    const takeSavepoint = activities.takeSavepoint;
    let attempts = 0;
    activities.takeSavepoint = async (input) => {
      attempts += 1;
      phaseFirst = input.recordFirst !== undefined;
      return takeSavepoint(input);
    };

    const result = await kit.execute(
      activities,
      savepoint,
      { app, kind: 'manual' },
      `${operationWorkflowId(app)}-savepoint`,
    );

    expect(result).toMatchObject({ operation: 'savepoint', outcome: 'succeeded' });
    expect(writes.slowed).toBe(1);
    expect(attempts).toBe(1);
    const record = (await slowed.kube.records.readRecord<AppSpec>(app.namespace, app.name))!.record;
    const taken = record.savepoints.filter((s) => s.jobId === running && s.kind === 'manual');
    expect(taken.map((s) => s.location)).toEqual([result.savepoint]);
    expect(slowed.jobManager().jobId).toBe(running); // a manual savepoint leaves the job running
  } finally {
    await slowed.close();
  }
}, 120_000);
