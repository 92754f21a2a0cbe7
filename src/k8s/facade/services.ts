import type { V1Service } from '@kubernetes/client-node';
import type { KubeClients } from '../config/clients';
import { kubeCall } from '../errors/classify';

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
