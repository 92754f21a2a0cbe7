/**
 * restartFromCheckpoint (the observer's `onJobFailure: restart`) at the workflow level (in-memory activities,
 * time-skipping server): the new job restores from the latest checkpoint Flink names once the failed job ended,
 * not from the one the observer's sweep read (Flink may have deleted that one since: the e2e observer test failed
 * in CI restoring from it). When Flink names none, the observer's is used.
 */
import { loadAppSpec } from '../../../src/spec';
import { apply, restartFromCheckpoint } from '../../../src/workflows';
import type { RestartFromCheckpointInput } from '../../../src/contract/observed-health';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { counterManifest } from '../../support/counter-spec';

const manifestText = counterManifest;
const spec = loadAppSpec(manifestText);
const app = { namespace: spec.namespace, name: spec.name };

const kit = workflowRunner('restart');

/** A deployed application whose job FAILED; the observer read chk-42 of it. */
async function failed(): Promise<{ cluster: InMemoryCluster; input: RestartFromCheckpointInput }> {
  const cluster = new InMemoryCluster();
  expect((await kit.run(cluster, apply, { spec })).outcome).toBe('succeeded');
  const job = cluster.jobs.at(-1)!;
  job.state = 'FAILED';
  return {
    cluster,
    input: {
      app,
      failedJobId: job.jobId,
      checkpoint: `file:///cp/${job.jobId}/chk-42`,
      reason: `job ${job.jobId} FAILED; spec.flinkDeploy.onJobFailure: restart`,
    },
  };
}

test('the new job restores from the checkpoint Flink names after the failed job ended', async () => {
  const { cluster, input } = await failed();
  const latest = `file:///cp/${input.failedJobId}/chk-44`;
  cluster.script.checkpoint = { id: 44, location: latest, completedAt: 1, ageSeconds: 1 };

  const result = await kit.run(cluster, restartFromCheckpoint, input);

  expect(result).toMatchObject({ outcome: 'succeeded', restoredFrom: latest });
  expect(cluster.calls.filter((c) => c.name === 'latestCheckpoint').map((c) => c.input)).toEqual([
    { app, jobId: input.failedJobId },
  ]);
  const running = cluster.runningJobs();
  expect(running).toHaveLength(1);
  expect(running[0]).toMatchObject({ restoredFrom: latest });
  expect(cluster.record?.jobId).toBe(running[0]!.jobId);
});

test("Flink names no checkpoint: the observer's is used", async () => {
  const { cluster, input } = await failed();
  cluster.script.checkpoint = null;

  const result = await kit.run(cluster, restartFromCheckpoint, input);

  expect(result).toMatchObject({ outcome: 'succeeded', restoredFrom: input.checkpoint });
  expect(cluster.runningJobs().map((j) => j.restoredFrom)).toEqual([input.checkpoint]);
});
