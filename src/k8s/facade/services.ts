import type { V1Service } from '@kubernetes/client-node';
import * as k8s from '@kubernetes/client-node';
import type { KubeClients } from '../config/clients';
import { kubeCall } from '../errors/classify';

/** The field manager of annotations written after an apply (an apply by `flink-deploy` never removes them). */
const ANNOTATIONS_MANAGER = 'flink-deploy-annotations';
const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/** Input of {@link listServices}. */
export interface ListServicesInput {
  namespace: string;
  labelSelector: string;
}

/** The Services of a namespace matching a label selector (one LIST, read from etcd). */
export async function listServices(clients: KubeClients, input: ListServicesInput): Promise<V1Service[]> {
  const list = await kubeCall({ verb: 'list', resource: 'services', namespace: input.namespace }, () =>
    clients.core.listNamespacedService({ namespace: input.namespace, labelSelector: input.labelSelector }),
  );
  return list.items;
}

/** Input of {@link annotateService}. */
export interface AnnotateServiceInput {
  namespace: string;
  name: string;
  annotations: Record<string, string>;
}

/**
 * Merge annotations into a Service's (a JSON merge patch: the others stay). Idempotent. A missing
 * Service rejects with `K8S_NOT_FOUND`.
 */
export async function annotateService(clients: KubeClients, input: AnnotateServiceInput): Promise<void> {
  const { namespace, name } = input;
  await kubeCall({ verb: 'patch', resource: 'services', namespace, name }, () =>
    clients.core.patchNamespacedService(
      { name, namespace, body: { metadata: { annotations: input.annotations } }, fieldManager: ANNOTATIONS_MANAGER },
      mergePatch,
    ),
  );
}
