/**
 * deploy/flink-rbac.yaml (Flink's ServiceAccount `flink` and its Role for Kubernetes HA) applied
 * to one namespace, as `kubectl apply -n <ns> -f deploy/flink-rbac.yaml` would: what an
 * administrator does once per application namespace. Shared by the demo and the tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { KubeFacade } from '../../src/k8s';

export const flinkRbacFile = path.resolve(__dirname, '..', '..', 'deploy', 'flink-rbac.yaml');

/** The objects of deploy/flink-rbac.yaml, placed in `namespace`. */
export function flinkRbacObjects(namespace: string): KubernetesObject[] {
  return parseAllDocuments(readFileSync(flinkRbacFile, 'utf8')).map((doc) => {
    const object = doc.toJS() as KubernetesObject & { subjects?: { namespace?: string }[] };
    object.metadata = { ...object.metadata, namespace };
    for (const subject of object.subjects ?? []) subject.namespace = namespace;
    return object;
  });
}

/** Server-side apply of deploy/flink-rbac.yaml to `namespace` (idempotent). */
export async function applyFlinkRbac(kube: KubeFacade, namespace: string): Promise<void> {
  await kube.apply(flinkRbacObjects(namespace));
}
