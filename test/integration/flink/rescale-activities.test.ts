/**
 * The in-place rescale activities on real Flink 2.3 processes (issue 15): the counter job with the
 * adaptive scheduler on a TaskManager of 3 slots. `awaitTaskManagerSlots` sees the slots,
 * `setResourceRequirements` moves every vertex 2 → 3 and back, and `awaitJobParallelism` sees the SAME
 * job run at each parallelism (no new job id); a bound it cannot meet ends it with WaitTimedOut.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { activityConfigOf, createActivities } from '../../../src/activities';
import type { RequirementsSet, SetRequirementsInput } from '../../../src/activities/rescale-types';
import { loadSettings } from '../../../src/config/settings';
import { FlinkRestClient } from '../../../src/flink';
import { counterJob, counterJobArgs } from '../../support/counter-job';
import { eventually } from '../../support/eventually';
import { InMemoryKube } from '../../support/in-memory-kube';
import { newJobId, startFlinkCluster, type LocalFlinkCluster } from '../../support/local-flink';
import { quietLogger } from '../../support/quiet-logger';

const app = { namespace: 'rescale', name: 'counter' };
let base: string;
let cluster: LocalFlinkCluster | undefined;

beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'fd-flink-rescale-'));
});
afterAll(async () => {
  await cluster?.stop();
  rmSync(base, { recursive: true, force: true });
});

test('requirements 2 → 3 → 2 rescale the running job in place; an unmet bound times out', async () => {
  cluster = await startFlinkCluster({
    ip: '127.0.50.7',
    jobJar: counterJob.jar,
    jobClass: counterJob.mainClass,
    jobId: newJobId(),
    jobArgs: counterJobArgs({ output: path.join(base, 'out'), keys: 4, rate: 40 }),
    parallelism: 2,
    slots: 3,
    workDir: path.join(base, 'cluster'),
    config: {
      'jobmanager.scheduler': 'adaptive',
      'jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling': '0s',
      'execution.checkpointing.interval': '1s',
    },
  });
  const client = new FlinkRestClient({ baseUrl: cluster.restUrl });
  const activities = createActivities({
    kube: new InMemoryKube(),
    flinkFor: () => Promise.resolve(client),
    config: { ...activityConfigOf(loadSettings({}, {})), pollIntervalMs: 200 },
  });
  // Each activity run scheduled as it starts, as a worker's is (a wait's deadline counts from there).
  const env = {
    run: <I, O>(fn: (input: I) => Promise<O>, input: I): Promise<O> =>
      new MockActivityEnvironment({ scheduledTimestampMs: Date.now() }, { logger: quietLogger }).run(fn, input),
  };
  const jobId = cluster.jobId;
  const soon = () => Date.now() + 180_000;
  const setRequirements = (input: SetRequirementsInput) =>
    env.run(activities.setResourceRequirements, input) as Promise<RequirementsSet>;
  const now = async () => {
    const details = await client.jobDetails(jobId);
    return { state: details.state, parallelism: details.vertices.map((v) => v.parallelism) };
  };

  await env.run(activities.awaitTaskManagerSlots, { app, taskManagers: 1, slots: 3, deadline: soon() });
  // As the rescale workflow does (its job must be RUNNING first): before its JobMaster runs the job,
  // Flink answers the requirements with a 500, which the workflow would retry and this test does not.
  await eventually(`job ${jobId} RUNNING`, async () => ((await now()).state === 'RUNNING' ? true : undefined), {
    timeoutMs: 180_000,
  });
  const { targets: initial } = await setRequirements({ app, jobId, from: 2, to: 2 });
  await env.run(activities.awaitJobParallelism, { app, jobId, targets: initial, deadline: soon() });
  const vertices = Object.keys(initial);
  expect(vertices.length).toBeGreaterThan(0);

  const up = await setRequirements({ app, jobId, from: 2, to: 3 });
  expect(up.targets).toEqual(Object.fromEntries(vertices.map((v) => [v, 3])));
  // Flink keeps what was PUT: the upper bound of every vertex is 3 now.
  const stored = await client.resourceRequirements(jobId);
  expect(Object.values(stored).map((r) => r.parallelism.upperBound)).toEqual(vertices.map(() => 3));
  await env.run(activities.awaitJobParallelism, { app, jobId, targets: up.targets, deadline: soon() });
  expect(await now()).toEqual({ state: 'RUNNING', parallelism: vertices.map(() => 3) });

  const down = await setRequirements({ app, jobId, from: 3, to: 2 });
  await env.run(activities.awaitJobParallelism, { app, jobId, targets: down.targets, deadline: soon() });
  expect(await now()).toEqual({ state: 'RUNNING', parallelism: vertices.map(() => 2) });

  // Asked for 4 on 3 slots: the job runs at 3 at most, so the wait ends at its bound, saying what it saw.
  const tooMany = await setRequirements({ app, jobId, from: 2, to: 4 });
  await expect(
    env.run(activities.awaitJobParallelism, { app, jobId, targets: tooMany.targets, deadline: Date.now() + 15_000 }),
  ).rejects.toMatchObject({
    type: 'WaitTimedOut',
    message: expect.stringContaining('does not run at the new parallelism'),
  });
  // The same job all along.
  expect((await client.listJobs()).map((j) => j.id)).toEqual([jobId]);
});
