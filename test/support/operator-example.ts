/**
 * An Apache operator example manifest run as its own e2e scripts run it: its placeholders filled, its namespace the
 * test's, its Flink kinds written to a file for flink-deploy and the rest (kubectl's: a PersistentVolumeClaim, an
 * IngressClass) created through the Kubernetes API.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { KubeClients } from '../../src/k8s';
import type { E2eEnv } from './e2e';

/** The example's documents, split by whose kind they are. */
export interface ExampleDocuments {
  /** A file of its FlinkDeployment/FlinkSessionJob documents, for flink-deploy (written again by each call). */
  flink: string;
  flinkKinds: string[];
  /** Its other documents, for kubectl. */
  kubectls: k8s.KubernetesObject[];
}

/** `fixture` (test/fixtures/apache-operator), each `placeholders` key replaced by its value, in `env`'s namespace. */
export function exampleDocuments(input: {
  fixture: string;
  env: E2eEnv;
  placeholders: Record<string, string>;
}): ExampleDocuments {
  const file = path.join(__dirname, '..', 'fixtures', 'apache-operator', input.fixture);
  let text = readFileSync(file, 'utf8').replaceAll('namespace: default', `namespace: ${input.env.namespace}`);
  for (const [placeholder, value] of Object.entries(input.placeholders)) text = text.replaceAll(placeholder, value);
  const documents = k8s.loadAllYaml(text) as k8s.KubernetesObject[];
  const ours = documents.filter((d) => d.apiVersion === 'flink.apache.org/v1beta1');
  const flink = path.join(input.env.dir, input.fixture.replace(/\.yaml$/, '-flink.yaml'));
  writeFileSync(flink, ours.map((d) => k8s.dumpYaml(d)).join('---\n'));
  return { flink, flinkKinds: ours.map((d) => d.kind ?? ''), kubectls: documents.filter((d) => !ours.includes(d)) };
}

/** kubectl's part: each object created (a namespaced one in `namespace`); a cluster-wide one made before is kept. */
export async function createKubectlObjects(input: {
  clients: KubeClients;
  objects: readonly k8s.KubernetesObject[];
  namespace: string;
}): Promise<void> {
  for (const object of input.objects) {
    if (object.kind === 'PersistentVolumeClaim') object.metadata = { ...object.metadata, namespace: input.namespace };
    await input.clients.objects.create(object).catch((err: unknown) => {
      if (!(err instanceof k8s.ApiException && err.code === 409)) throw err;
    });
  }
}
