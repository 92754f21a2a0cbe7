/**
 * A session cluster (a FlinkDeployment without spec.job): what parse makes of it and the objects it
 * renders to — the same five objects as an application, its JobManager on Flink's `jobmanager` entry
 * point with a web upload folder, no job id anywhere.
 */
import { parseAppSpec } from '../../../src/spec';
import { renderApplication, RenderInputError } from '../../../src/k8s/render';
import type { AppSpec } from '../../../src/spec/types';

const manifest = (extra = '') => `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: shared, namespace: jobs}
spec:
  image: flink:2.2
  flinkVersion: v2_2
  flinkConfiguration:
    taskmanager.numberOfTaskSlots: "4"
  taskManager:
    replicas: 2
${extra}`;

function sessionSpec(extra = ''): AppSpec {
  const parsed = parseAppSpec(manifest(extra));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}

test('a FlinkDeployment without spec.job parses as a session cluster: no job of its own, default parallelism', () => {
  const spec = sessionSpec();
  expect(spec.sessionCluster).toBe(true);
  expect(spec.job).toMatchObject({ jarURI: '', args: [], parallelism: 8, upgradeMode: 'stateless' });
  expect(spec.taskManager.replicas).toBe(2);
  expect(spec.slotsPerTaskManager).toBe(4);
});

test('an application has no sessionCluster field (its spec hash is unchanged)', () => {
  const parsed = parseAppSpec(manifest('  job: {jarURI: "local:///opt/flink/usrlib/app.jar", parallelism: 2}\n'));
  expect(parsed.ok && 'sessionCluster' in parsed.spec).toBe(false);
});

test('blue-green on a session cluster is refused naming the field', () => {
  const parsed = parseAppSpec(manifest('  flinkDeploy: {upgrade: {strategy: blue-green}}\n'));
  expect(parsed.ok).toBe(false);
  expect(parsed.ok ? [] : parsed.issues).toEqual([
    expect.objectContaining({ path: 'spec.flinkDeploy.upgrade.strategy', message: expect.stringContaining('session') }),
  ]);
});

test('renders the five objects; the JobManager runs `jobmanager` with the web upload folder; no job id', () => {
  const spec = sessionSpec();
  const objects = renderApplication({ spec, generation: 3 });
  const jm = objects.jobManager.spec!.template.spec!;
  expect(jm.containers.map((c) => c.name)).toEqual(['flink-main-container']);
  expect(jm.containers[0]!.args).toEqual(['jobmanager']);
  expect(jm.containers[0]!.volumeMounts).toContainEqual({ name: 'flink-web-upload', mountPath: '/flink-web' });
  expect(jm.volumes).toContainEqual({ name: 'flink-web-upload', emptyDir: {} });
  expect(objects.taskManager.spec!.template.spec!.containers[0]!.args).toEqual(['taskmanager']);
  expect(objects.taskManager.spec!.replicas).toBe(2);
  const config = objects.configMap.data!['config.yaml']!;
  expect(config).toContain('web.upload.dir: /flink-web');
  expect(config).toContain('parallelism.default: "8"');
  const names = [
    objects.configMap,
    objects.jobManager,
    objects.taskManager,
    objects.rpcService,
    objects.restService,
  ].map((o) => o.metadata!.name);
  expect(names).toEqual(['shared-config', 'shared-jobmanager', 'shared-taskmanager', 'shared', 'shared-rest']);
  expect(JSON.stringify(objects)).not.toContain('flink-deploy.io/job-id');
});

test('a job id for a session cluster, or none for an application, is a programming error', () => {
  expect(() => renderApplication({ spec: sessionSpec(), generation: 1, jobId: 'a'.repeat(32) })).toThrow(
    RenderInputError,
  );
  const app = parseAppSpec(manifest('  job: {jarURI: "local:///opt/flink/usrlib/app.jar", parallelism: 2}\n'));
  if (!app.ok) throw new Error('fixture');
  expect(() => renderApplication({ spec: app.spec, generation: 1 })).toThrow(/32 lower-case hex/);
});
