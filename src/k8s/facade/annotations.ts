/**
 * Annotations merged into a Service or a Pod after an apply (a JSON merge patch: the object's other annotations
 * stay), under a field manager of their own, so an apply by `flink-deploy` never removes them. Idempotent; a
 * missing object rejects with `K8S_NOT_FOUND`.
 */
import * as k8s from '@kubernetes/client-node';
import type { KubeClients } from '../config/clients';
import { kubeCall } from '../errors/classify';

/** The field manager of annotations written after an apply. */
const ANNOTATIONS_MANAGER = 'flink-deploy-annotations';
const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/** Input of {@link annotateService} and {@link annotatePod}: the object and the annotations merged in. */
export interface AnnotateInput {
  namespace: string;
  name: string;
  annotations: Record<string, string>;
}

/** The patch of `input`'s annotations, as client-node's patch calls take it. */
function patchOf(input: AnnotateInput) {
  const { namespace, name } = input;
  return { name, namespace, body: { metadata: { annotations: input.annotations } }, fieldManager: ANNOTATIONS_MANAGER };
}

/** Merge annotations into a Service's (a session job's jar and slots). */
export async function annotateService(clients: KubeClients, input: AnnotateInput): Promise<void> {
  const { namespace, name } = input;
  await kubeCall({ verb: 'patch', resource: 'services', namespace, name }, () =>
    clients.core.patchNamespacedService(patchOf(input), mergePatch),
  );
}

/** Merge annotations into a Pod's (a TaskManager pod's deletion cost). */
export async function annotatePod(clients: KubeClients, input: AnnotateInput): Promise<void> {
  const { namespace, name } = input;
  await kubeCall({ verb: 'patch', resource: 'pods', namespace, name }, () =>
    clients.core.patchNamespacedPod(patchOf(input), mergePatch),
  );
}
