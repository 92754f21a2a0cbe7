/** deleteConfigMaps (the HA ConfigMaps of past generations): a 409 is retried, as for any idempotent delete. */
import * as k8s from '@kubernetes/client-node';
import type { KubeClients } from '../../../src/k8s/config/clients';
import { deleteConfigMaps } from '../../../src/k8s/facade/config-map-collection';

const conflict = () =>
  new k8s.ApiException(
    409,
    'Conflict',
    JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Conflict', message: 'injected 409', code: 409 }),
    {},
  );

test('a 409 to the deletecollection is retryable (matrix: deploy/Deploying/kube-409 failed the deploy)', async () => {
  const clients = {
    core: {
      deleteCollectionNamespacedConfigMap: () => Promise.reject(conflict()),
    },
  } as unknown as KubeClients;
  await expect(
    deleteConfigMaps(clients, { namespace: 'apps', labelSelector: 'app=orders-g1,type=flink-native-kubernetes' }),
  ).rejects.toMatchObject({ code: 'K8S_CONFLICT', kind: 'transport', retryable: true });
});
