import type { KubeClients } from '../config/clients';
import { kubeCall } from '../errors/classify';

/** Input of `deleteConfigMaps`. */
export interface DeleteConfigMapsInput {
  namespace: string;
  /** Only the ConfigMaps with these labels, e.g. `app=<cluster-id>,type=flink-native-kubernetes`. */
  labelSelector: string;
}

/**
 * Delete every ConfigMap of a namespace matching a label selector (one `deletecollection`).
 * Resolves when the API server has deleted them; none matching is not an error, so retries are
 * safe. Refuses an empty selector: that would delete every ConfigMap of the namespace.
 */
export async function deleteConfigMaps(clients: KubeClients, input: DeleteConfigMapsInput): Promise<void> {
  if (input.labelSelector.trim() === '') throw new Error('deleteConfigMaps needs a label selector');
  // Idempotent (no preconditions; none left is success): a 409 is retried, not the operation's failure.
  const request = { verb: 'deletecollection', resource: 'configmaps', namespace: input.namespace, idempotent: true };
  await kubeCall(request, () =>
    clients.core.deleteCollectionNamespacedConfigMap({
      namespace: input.namespace,
      labelSelector: input.labelSelector,
    }),
  );
}
