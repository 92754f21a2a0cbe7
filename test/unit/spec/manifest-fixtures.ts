/** Small manifests for the spec and render unit tests. */
import { stringify } from 'yaml';
import { loadAppSpec, parseAppSpec, type AppSpec } from '../../../src/spec';

/** A manifest as a freely editable object: tests reach into it to break one field at a time. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseManifest = Record<string, any>;

/** A valid Flink 2.x application manifest (as an object, to tweak per test). */
export function baseManifest(): LooseManifest {
  return {
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkDeployment',
    metadata: { name: 'orders', namespace: 'streaming' },
    spec: {
      image: 'flink:2.2',
      flinkVersion: 'v2_2',
      flinkConfiguration: {
        'taskmanager.numberOfTaskSlots': 2,
        'execution.checkpointing.interval': '10s',
        state: { savepoints: { dir: 's3://bucket/savepoints' }, checkpoints: { dir: 's3://bucket/checkpoints' } },
      },
      serviceAccount: 'flink',
      jobManager: { resource: { cpu: 0.5, memory: '1024m' } },
      taskManager: { resources: { requests: { cpu: '500m', memory: '1Gi' } } },
      job: {
        jarURI: 'local:///opt/flink/usrlib/orders.jar',
        entryClass: 'com.example.Orders',
        args: ['--topic', 'orders'],
        parallelism: 3,
        upgradeMode: 'savepoint',
      },
    },
  };
}

/** YAML text of a manifest. */
export function yamlOf(manifest: unknown): string {
  return stringify(manifest);
}

/** Parses a manifest object into an AppSpec (throws when invalid). */
export function specOf(manifest: unknown): AppSpec {
  return loadAppSpec(yamlOf(manifest));
}

/** A FlinkSessionJob `orders` on cluster `shared` (a stateless https jar), parsed; `parallelism` and its config set. */
export function parsedSessionJob(job: { parallelism?: number; config?: Record<string, string> } = {}) {
  const text = yamlOf({
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkSessionJob',
    metadata: { name: 'orders', namespace: 'streaming' },
    spec: {
      deploymentName: 'shared',
      ...(job.config ? { flinkConfiguration: job.config } : {}),
      job: {
        jarURI: 'https://repo.example/orders.jar',
        ...(job.parallelism !== undefined ? { parallelism: job.parallelism } : {}),
        upgradeMode: 'stateless',
      },
    },
  });
  return parseAppSpec(text, { sessionJarSchemes: ['https'] });
}
