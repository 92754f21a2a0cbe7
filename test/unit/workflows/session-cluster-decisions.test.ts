/** The pure decisions of session clusters (src/workflows/decisions/session-cluster.ts): one reason per guard. */
import { busyRefusal, kindChangeRefusal, sessionClusterStep } from '../../../src/workflows/decisions/session-cluster';
import { diffSpecs } from '../../../src/spec/diff';
import { parseAppSpec, type AppSpec } from '../../../src/spec';
import type { DeployedState } from '../../../src/contract/deployed-state';

const app = { namespace: 'jobs', name: 'shared' };

function spec(extra = '', job = ''): AppSpec {
  const parsed = parseAppSpec(`apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: shared, namespace: jobs}
spec:
  image: flink:2.2
  flinkVersion: v2_2
${extra}${job}`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}

const cluster = spec();
const state = (over: Partial<DeployedState>): DeployedState => ({
  exists: true,
  status: 'running',
  generation: 1,
  lastAppliedSpec: cluster,
  savepoints: [],
  ...over,
});

describe('sessionClusterStep', () => {
  it('nothing deployed: deploy', () => {
    const none: DeployedState = { exists: false, status: 'none', generation: 0, savepoints: [] };
    expect(sessionClusterStep(none, diffSpecs(undefined, cluster))).toEqual({ kind: 'deploy' });
  });
  it('suspended: only recorded (resume deploys it)', () => {
    const bigger = spec('  taskManager: {replicas: 3}\n');
    expect(sessionClusterStep(state({ status: 'suspended' }), diffSpecs(cluster, bigger))).toEqual({
      kind: 'record-only',
    });
  });
  it('the same spec: nothing', () => {
    expect(sessionClusterStep(state({}), diffSpecs(cluster, cluster))).toEqual({ kind: 'none' });
  });
  it('a failed rollout: redeploy even when the spec did not change', () => {
    expect(sessionClusterStep(state({ status: 'failed' }), diffSpecs(cluster, cluster))).toEqual({
      kind: 'redeploy',
    });
  });
  it('only the ingress: applied alone', () => {
    const withIngress = spec('  ingress: {template: "{{name}}.example.com"}\n');
    expect(sessionClusterStep(state({}), diffSpecs(cluster, withIngress))).toEqual({ kind: 'ingress' });
  });
  it.each([
    ['the image', { image: 'flink:2.3' }],
    ['the TaskManagers', { taskManager: { ...cluster.taskManager, replicas: 4 } }],
  ])('a change of %s: redeploy', (_what, over) => {
    expect(sessionClusterStep(state({}), diffSpecs(cluster, { ...cluster, ...over }))).toEqual({
      kind: 'redeploy',
    });
  });
});

describe('kindChangeRefusal', () => {
  const application = spec('', '  job: {jarURI: "local:///opt/flink/usrlib/app.jar", parallelism: 1}\n');
  it('the same kind, or nothing deployed: no refusal', () => {
    expect(kindChangeRefusal(app, cluster, cluster)).toBeUndefined();
    expect(kindChangeRefusal(app, application, application)).toBeUndefined();
    expect(kindChangeRefusal(app, undefined, cluster)).toBeUndefined();
  });
  it('an application over a session cluster and back: refused naming delete', () => {
    for (const [deployed, next] of [
      [cluster, application],
      [application, cluster],
    ] as const) {
      const refusal = kindChangeRefusal(app, deployed, next);
      expect(refusal).toContain('flink-deploy delete shared -n jobs');
      expect(refusal).toContain('Nothing was changed');
    }
  });
});

describe('busyRefusal', () => {
  const jobs = [
    { jobId: 'a'.repeat(32), name: 'orders', state: 'RUNNING' },
    { jobId: 'b'.repeat(32), name: 'clicks', state: 'RESTARTING' },
  ];
  it('no job: no refusal', () => {
    expect(busyRefusal(app, [], 'upgrade')).toBeUndefined();
  });
  it.each(['upgrade', 'suspend', 'delete'] as const)('%s with jobs: names each job and what to run', (action) => {
    const refusal = busyRefusal(app, jobs, action)!;
    expect(refusal).toContain(`the ${action} of session cluster jobs/shared is refused: 2 jobs run on it`);
    expect(refusal).toContain(`orders (job ${'a'.repeat(32)}, RUNNING)`);
    expect(refusal).toContain(`clicks (job ${'b'.repeat(32)}, RESTARTING)`);
    expect(refusal).toContain('flink stop');
    expect(refusal).toContain('Nothing was changed');
    expect(refusal.includes('--no-savepoint')).toBe(action === 'delete');
  });
});
