/**
 * applyRescaledConfig (patch rescale-config-parallelism), the real activity over the in-memory
 * Kubernetes: after an in-place rescale the running generation's ConfigMap says the new
 * parallelism.default (a JobManager restarting re-runs the job from it), and nothing else changes:
 * the Deployments keep their pods (no restart).
 */
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import { rescaleActivities } from '../../../src/activities/rescale';
import { UpgradeStrategy, type AppSpec } from '../../../src/spec';
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';
import { counterSpec } from '../../support/counter-spec';

const counter = counterSpec();
const jobId = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const at = (spec: AppSpec, parallelism: number): AppSpec => ({ ...spec, job: { ...spec.job, parallelism } });

let h: ActivityHarness;
afterEach(() => h.close());

async function rescaled(spec: AppSpec, names: { configMap: string; jobManager: string }) {
  h = activityHarness();
  const app = { namespace: spec.namespace, name: spec.name };
  await h.run('beginOperation', { app, workflowId: 'wf', runId: 'r', operation: 'apply' });
  await h.run('applyApplication', { spec: at(spec, 2), generation: 3, jobId });
  const config = () => h.kube.get<V1ConfigMap>('ConfigMap', app.namespace, names.configMap)!.data!['config.yaml'];
  const jobManager = () => h.kube.get<V1Deployment>('Deployment', app.namespace, names.jobManager)!;
  expect(config()).toMatch(/parallelism\.default: "?2"?\n/);
  const before = jobManager().metadata!.resourceVersion;
  const activities = rescaleActivities(h.deps);
  await new MockActivityEnvironment().run(activities.applyRescaledConfig, { spec: at(spec, 3), generation: 3, jobId });
  return { config: config(), jobManagerChanged: jobManager().metadata!.resourceVersion !== before };
}

test('the ConfigMap says the new parallelism.default; the JobManager Deployment is untouched', async () => {
  const after = await rescaled(counter, { configMap: 'counter-config', jobManager: 'counter-jobmanager' });
  expect(after.config).toMatch(/parallelism\.default: "?3"?\n/);
  expect(after.jobManagerChanged).toBe(false);
});

test("a blue-green application's live generation's ConfigMap", async () => {
  const blueGreen: AppSpec = { ...counter, upgradeStrategy: UpgradeStrategy.BlueGreen };
  const after = await rescaled(blueGreen, { configMap: 'counter-g3-config', jobManager: 'counter-g3-jobmanager' });
  expect(after.config).toMatch(/parallelism\.default: "?3"?\n/);
  expect(after.jobManagerChanged).toBe(false);
});
