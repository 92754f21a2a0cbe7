import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { generateJobId, loadAppSpec, type AppSpec } from '../../../src/spec';
import { jobManagerArgs, renderApplication } from '../../../src/k8s/render';
import { baseManifest, specOf } from '../spec/manifest-fixtures';

/** Our manifests of the Apache operator's example shapes (test/unit/spec/conformance.test.ts checks them). */
const manifests = path.join(__dirname, '..', '..', 'fixtures', 'manifests');
const jobId = generateJobId('default/fraud-scorer/1');
const owner = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: 'fraud-scorer-deploy-state',
  uid: '6b1f3c0e-0000-4000-8000-000000000001',
};

function basicSpec(): AppSpec {
  return loadAppSpec(readFileSync(`${manifests}/basic.yaml`, 'utf8'));
}

describe('renderApplication', () => {
  it('renders basic.yaml (snapshot, as YAML)', () => {
    const objects = renderApplication({ spec: basicSpec(), generation: 1, jobId, owner });
    expect(stringify(objects, { lineWidth: 0, aliasDuplicateObjects: false })).toMatchSnapshot();
  });

  it('is deterministic', () => {
    const a = renderApplication({ spec: basicSpec(), generation: 3, jobId, owner });
    const b = renderApplication({ spec: basicSpec(), generation: 3, jobId, owner });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('starts the job from a savepoint when asked', () => {
    const spec = specOf(baseManifest());
    const { jobManager } = renderApplication({
      spec,
      generation: 2,
      jobId,
      restore: { path: 's3://bucket/savepoints/savepoint-1', allowNonRestoredState: true },
    });
    expect(jobManager.spec?.template.spec?.containers[0]?.args).toEqual([
      'standalone-job',
      '--job-id',
      jobId,
      '--job-classname',
      'com.example.Orders',
      '--fromSavepoint',
      's3://bucket/savepoints/savepoint-1',
      '--allowNonRestoredState',
      '--',
      '--topic',
      'orders',
    ]);
  });

  it('passes jars outside usrlib with --jars, and leaves out the class when the manifest does', () => {
    const manifest = baseManifest();
    manifest.spec.job = { jarURI: 'https://repo.example.com/job-1.0.jar', parallelism: 1 };
    expect(jobManagerArgs({ spec: specOf(manifest), jobId })).toEqual([
      'standalone-job',
      '--job-id',
      jobId,
      '--jars',
      'https://repo.example.com/job-1.0.jar',
    ]);
  });

  it('writes config.yaml for Flink 2.x with the forced settings', () => {
    const { configMap } = renderApplication({ spec: specOf(baseManifest()), generation: 1, jobId });
    const text = configMap.data?.['config.yaml'] ?? '';
    for (const line of [
      'execution.shutdown-on-application-finish: "false"',
      'execution.submit-failed-job-on-application-error: "true"',
      'execution.checkpointing.savepoint-dir: s3://bucket/savepoints',
      'execution.checkpointing.dir: s3://bucket/checkpoints',
      'jobmanager.rpc.address: orders',
      'jobmanager.memory.process.size: 1024m',
      'taskmanager.memory.process.size: 1024m',
      'parallelism.default: "3"',
    ])
      expect(text).toContain(line);
    expect(configMap.data?.['flink-conf.yaml']).toBeUndefined();
  });

  it('writes flink-conf.yaml with the 1.x key names for Flink 1.x', () => {
    const manifest = baseManifest();
    manifest.spec.flinkVersion = 'v1_20';
    manifest.spec.image = 'flink:1.20';
    const { configMap } = renderApplication({ spec: specOf(manifest), generation: 1, jobId });
    const text = configMap.data?.['flink-conf.yaml'] ?? '';
    expect(text).toContain('\nstate.savepoints.dir: s3://bucket/savepoints\n');
    expect(text).toContain('\nstate.checkpoints.dir: s3://bucket/checkpoints\n');
    expect(text).toContain('\nexecution.shutdown-on-application-finish: false\n');
    expect(configMap.data?.['config.yaml']).toBeUndefined();
  });

  it(
    'merges the pod template into the pods: our main container ' + "fields win, the user's mounts and sidecars stay",
    () => {
      const spec = loadAppSpec(readFileSync(`${manifests}/pod-template.yaml`, 'utf8'));
      const { jobManager, taskManager } = renderApplication({ spec, generation: 1, jobId });
      const jmPod = jobManager.spec?.template.spec;
      expect(jmPod?.containers.map((c) => c.name)).toEqual(['flink-main-container', 'log-shipper']);
      expect(jmPod?.containers[0]?.image).toBe('flink:2.2');
      expect(jmPod?.containers[0]?.volumeMounts?.map((m) => m.mountPath)).toEqual([
        '/opt/flink/log',
        '/opt/flink/artifacts',
        '/opt/flink/conf',
      ]);
      expect(jmPod?.initContainers?.map((c) => c.name)).toEqual(['fetch-jar']);
      expect(jmPod?.volumes?.map((v) => v.name)).toEqual(['job-logs', 'artifacts', 'flink-config']);
      expect(taskManager.spec?.template.spec?.initContainers).toBeUndefined();
      expect(taskManager.spec?.template.spec?.containers[0]?.args).toEqual(['taskmanager']);
    },
  );

  it('keeps user resources such as ephemeral storage next to ours', () => {
    const manifest = baseManifest();
    manifest.spec.taskManager = {
      resources: { requests: { cpu: 1, memory: '2Gi', 'ephemeral-storage': '2Gi' }, limits: { cpu: 2 } },
    };
    const { taskManager } = renderApplication({ spec: specOf(manifest), generation: 1, jobId });
    expect(taskManager.spec?.template.spec?.containers[0]?.resources).toEqual({
      requests: { cpu: '1', memory: '2048Mi', 'ephemeral-storage': '2Gi' },
      limits: { cpu: '2', memory: '2048Mi', 'ephemeral-storage': '2Gi' },
    });
  });

  it(
    'a new generation rolls the JobManager and the ' + 'TaskManagers; a reactive rescale within a generation does not',
    () => {
      const spec = specOf(baseManifest());
      const first = renderApplication({ spec, generation: 1, jobId });
      const second = renderApplication({ spec, generation: 2, jobId: generateJobId('streaming/orders/2') });
      expect(second.jobManager.spec?.template).not.toEqual(first.jobManager.spec?.template);
      expect(second.taskManager.spec?.template?.metadata?.annotations?.['flink-deploy.io/generation']).toBe('2');
      expect(second.taskManager.spec?.template?.spec).toEqual(first.taskManager.spec?.template?.spec);
      const manifest = baseManifest();
      manifest.spec.flinkConfiguration['scheduler-mode'] = 'reactive';
      const reactive = specOf(manifest);
      manifest.spec.job.parallelism = 8;
      const rescaled = specOf(manifest);
      const before = renderApplication({ spec: reactive, generation: 1, jobId });
      const after = renderApplication({ spec: rescaled, generation: 1, jobId });
      expect(after.taskManager.spec?.replicas).toBe(4);
      expect(after.taskManager.spec?.template).toEqual(before.taskManager.spec?.template);
    },
  );

  it('refuses a malformed job id', () => {
    expect(() => renderApplication({ spec: basicSpec(), generation: 1, jobId: '0' })).toThrow(
      'job id must be 32 lower-case hex digits',
    );
  });
});

/** The flat Flink configuration in the rendered ConfigMap. */
function flinkConfig(objects: ReturnType<typeof renderApplication>): Record<string, string> {
  return parse(objects.configMap.data?.['config.yaml'] ?? '') as Record<string, string>;
}

const serviceAccounts = (objects: ReturnType<typeof renderApplication>) => [
  objects.jobManager.spec?.template.spec?.serviceAccountName,
  objects.taskManager.spec?.template.spec?.serviceAccountName,
];

describe('JobManager HA', () => {
  it('is on by default for upgradeMode savepoint (snapshot of the objects, as YAML)', () => {
    const manifest = baseManifest();
    delete manifest.spec.serviceAccount;
    const objects = renderApplication({ spec: specOf(manifest), generation: 3, jobId, owner });
    expect(stringify(objects, { lineWidth: 0, aliasDuplicateObjects: false })).toMatchSnapshot();
    expect(flinkConfig(objects)).toMatchObject({
      'high-availability.type': 'kubernetes',
      'high-availability.cluster-id': 'orders-g3',
      'high-availability.storageDir': 's3://bucket/checkpoints/ha/streaming',
      'kubernetes.cluster-id': 'orders-g3',
      'kubernetes.namespace': 'streaming',
      'job-result-store.delete-on-commit': 'false',
    });
    expect(serviceAccounts(objects)).toEqual(['flink', 'flink']);
  });

  it('is on for last-state, with one cluster id per generation', () => {
    const manifest = baseManifest();
    manifest.spec.job.upgradeMode = 'last-state';
    const spec = specOf(manifest);
    const ids = [1, 2].map(
      (generation) => flinkConfig(renderApplication({ spec, generation, jobId }))['kubernetes.cluster-id'],
    );
    expect(ids).toEqual(['orders-g1', 'orders-g2']);
  });

  it("keeps the spec's ServiceAccount and HA storage directory", () => {
    const manifest = baseManifest();
    manifest.spec.serviceAccount = 'orders-flink';
    manifest.spec.flinkConfiguration['high-availability.storageDir'] = 's3://other/ha';
    const objects = renderApplication({ spec: specOf(manifest), generation: 1, jobId });
    expect(flinkConfig(objects)['high-availability.storageDir']).toBe('s3://other/ha');
    expect(serviceAccounts(objects)).toEqual(['orders-flink', 'orders-flink']);
  });

  it('puts the HA storage beside the savepoints when no checkpoint directory is set', () => {
    const manifest = baseManifest();
    delete manifest.spec.flinkConfiguration.state.checkpoints;
    const objects = renderApplication({ spec: specOf(manifest), generation: 1, jobId });
    expect(flinkConfig(objects)['high-availability.storageDir']).toBe('s3://bucket/savepoints/ha/streaming');
  });

  it('is off for stateless applications and with unsafeDisableJobManagerHA', () => {
    const stateless = baseManifest();
    stateless.spec.job.upgradeMode = 'stateless';
    delete stateless.spec.serviceAccount;
    const optedOut = baseManifest();
    optedOut.spec.flinkDeploy = { unsafeDisableJobManagerHA: true };
    delete optedOut.spec.serviceAccount;
    for (const manifest of [stateless, optedOut]) {
      const objects = renderApplication({ spec: specOf(manifest), generation: 1, jobId });
      const keys = Object.keys(flinkConfig(objects));
      expect(keys.filter((k) => k.startsWith('high-availability') || k.startsWith('kubernetes.'))).toEqual([]);
      expect(serviceAccounts(objects)).toEqual([undefined, undefined]);
    }
  });

  it("takes the manifest's own Kubernetes HA with our cluster id (checkpoint-ha.yaml)", () => {
    const spec = loadAppSpec(readFileSync(`${manifests}/checkpoint-ha.yaml`, 'utf8'));
    const config = flinkConfig(renderApplication({ spec, generation: 5, jobId }));
    expect(config).toMatchObject({
      'high-availability.type': 'kubernetes',
      'high-availability.storageDir': 'file:///data/payments/ha',
      'kubernetes.cluster-id': 'payments-ledger-g5',
      'kubernetes.namespace': 'default',
    });
  });
});
