/**
 * Issue 11 item 5 at the activity: the stability wait judges only the generation it waits for,
 * and a failover to the job's own checkpoint is not a wrong restore. (On the local stack the
 * failed generation's pods usually go before the first check: test/e2e/rollback-image.test.ts.)
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { stabilityActivities } from '../../../src/activities/stability';
import type { ActivityDeps } from '../../../src/activities/deps';
import type { PodReadiness } from '../../../src/k8s/facade/pod-readiness';
import type { FlinkRestClient } from '../../../src/flink';

const jobId = 'c'.repeat(32);
const savepoint = 'file:///data/savepoints/savepoint-1-abc';

const pod = (name: string, generation: number, ready: boolean): PodReadiness => ({
  name,
  phase: ready ? 'Running' : 'Pending',
  ready,
  generation,
  restartCount: 0,
  containers: [],
  problems: ready ? [] : [{ kind: 'image-pull', reason: 'ImagePullBackOff', message: 'flink:9.9 not found' }],
  summary: ready ? 'ready' : 'ImagePullBackOff',
});

function deps(opts: { pods: PodReadiness[]; restored: string; exceptions: number }): ActivityDeps {
  const flink = {
    jobDetails: async () => ({ state: 'RUNNING', vertices: [{ status: 'RUNNING' }] }),
    jobExceptions: async () => ({
      exceptionHistory: {
        entries: Array.from({ length: opts.exceptions }, () => ({ exceptionName: 'IOException', stacktrace: 'x' })),
      },
    }),
    checkpoints: async () => ({ latestRestored: { externalPath: opts.restored }, counts: { completed: 1 } }),
  } as unknown as FlinkRestClient;
  return {
    kube: { listAppPods: async () => ({ pods: opts.pods, readyCount: 0, events: [] }) },
    flinkFor: async () => flink,
    config: { pollIntervalMs: 10, maxJobRestarts: 5, maxPodRestarts: 3 },
  } as unknown as ActivityDeps;
}

const input = (generation: number | undefined) => ({
  app: { namespace: 'ns', name: 'app' },
  jobId,
  generation,
  expectRestoredFrom: savepoint,
  stability: { windowSeconds: 0, timeoutSeconds: 5, requireCheckpoint: false },
  deadline: Date.now() + 5000,
});

test("the failed generation's pods (ImagePullBackOff, still going) do not fail the wait for the next one", async () => {
  const pods = [pod('app-jobmanager-old', 4, false), pod('app-jobmanager-new', 5, true)];
  const activities = stabilityActivities(deps({ pods, restored: savepoint, exceptions: 0 }));
  await expect(new MockActivityEnvironment().run(activities.awaitJobStable, input(5))).resolves.toMatchObject({
    completedCheckpoints: 1,
  });
});

test('the generation waited for is still judged: its own pod that cannot pull fails the wait', async () => {
  const pods = [pod('app-jobmanager-new', 5, false)];
  const activities = stabilityActivities(deps({ pods, restored: savepoint, exceptions: 0 }));
  await expect(new MockActivityEnvironment().run(activities.awaitJobStable, input(5))).rejects.toMatchObject({
    type: 'DeploymentUnhealthy',
  });
});

test("a failover to the job's own checkpoint within the restart budget is stable, not a wrong restore", async () => {
  const restored = `file:/data/checkpoints/${jobId}/chk-3`;
  const activities = stabilityActivities(deps({ pods: [pod('jm', 5, true)], restored, exceptions: 1 }));
  await expect(new MockActivityEnvironment().run(activities.awaitJobStable, input(5))).resolves.toMatchObject({
    restoredFrom: restored,
  });
});
