/**
 * resolveFlinkEndpoint against the real kube-apiserver of the local stack, through src/k8s's
 * facade: the `<app>-rest` Service's EndpointSlice ready addresses, or (the local stack's
 * loopback pod IPs, which the API server refuses in EndpointSlices) its selector's ready pods;
 * and Service DNS inside a cluster.
 */
import * as k8s from '@kubernetes/client-node';
import { FlinkErrorCode, resolveFlinkEndpoint, type FlinkEndpointLookup } from '../../../src/flink';
import { createKubeClients, createKubeFacade } from '../../../src/k8s';
import { stack } from '../../support/stack';

const kc = new k8s.KubeConfig();
kc.loadFromFile(stack.kubeconfig);
const clients = createKubeClients(kc);
const facade = createKubeFacade(clients);
const namespace = `flink-endpoint-${Date.now().toString(36)}`;
const outside: FlinkEndpointLookup = {
  kind: 'endpoint-slice',
  listReadyAddresses: (input) => facade.readyEndpointAddresses(input),
};

beforeAll(async () => {
  await clients.core.createNamespace({ body: { metadata: { name: namespace } } });
});
afterAll(async () => {
  await clients.core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

test('outside the cluster: the ready address of the <app>-rest EndpointSlice', async () => {
  await clients.core.createNamespacedService({
    namespace,
    body: { metadata: { name: 'orders-rest' }, spec: { ports: [{ name: 'rest', port: 8081 }] } },
  });
  await clients.discovery.createNamespacedEndpointSlice({
    namespace,
    body: {
      metadata: { name: 'orders-rest-1', labels: { 'kubernetes.io/service-name': 'orders-rest' } },
      addressType: 'IPv4',
      ports: [{ name: 'rest', port: 8081, protocol: 'TCP' }],
      endpoints: [
        { addresses: ['10.1.2.4'], conditions: { ready: false } },
        { addresses: ['10.1.2.3'], conditions: { ready: true } },
      ],
    },
  });
  await expect(resolveFlinkEndpoint({ app: 'orders', namespace, lookup: outside })).resolves.toBe(
    'http://10.1.2.3:8081',
  );
});

test(
  'outside the cluster, loopback pod IPs: the ready pod behind the Service; none ready is a retryable ' +
    'FLINK_NO_ENDPOINT',
  async () => {
    await clients.core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'payments-rest' },
        spec: { selector: { app: 'payments' }, ports: [{ name: 'rest', port: 8081, targetPort: 8081 }] },
      },
    });
    await clients.core.createNamespacedPod({
      namespace,
      // A scheduler no one runs: the local node agent binds and runs default-scheduler pods.
      body: {
        metadata: { name: 'payments-jobmanager', labels: { app: 'payments' } },
        spec: {
          schedulerName: 'flink-deploy-test-unscheduled',
          containers: [{ name: 'flink-main-container', image: 'flink:2.3' }],
        },
      },
    });
    await expect(resolveFlinkEndpoint({ app: 'payments', namespace, lookup: outside })).rejects.toMatchObject({
      code: FlinkErrorCode.NoEndpoint,
      retryable: true,
    });

    // Report the unscheduled pod Ready at a loopback IP, as the local node agent would.
    const pod = await clients.core.readNamespacedPod({ namespace, name: 'payments-jobmanager' });
    pod.status = {
      phase: 'Running',
      podIP: '127.0.50.11',
      podIPs: [{ ip: '127.0.50.11' }],
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date() }],
    };
    await clients.core.replaceNamespacedPodStatus({ namespace, name: 'payments-jobmanager', body: pod });
    await expect(resolveFlinkEndpoint({ app: 'payments', namespace, lookup: outside })).resolves.toBe(
      'http://127.0.50.11:8081',
    );
  },
);

test('a Service that does not exist has no endpoint', async () => {
  await expect(resolveFlinkEndpoint({ app: 'absent', namespace, lookup: outside })).rejects.toMatchObject({
    code: FlinkErrorCode.NoEndpoint,
  });
});

test('in the cluster: Service DNS', async () => {
  await expect(
    resolveFlinkEndpoint({ app: 'orders', namespace: 'prod', lookup: { kind: 'service-dns' } }),
  ).resolves.toBe('http://orders-rest.prod.svc:8081');
  await expect(
    resolveFlinkEndpoint({
      app: 'orders',
      namespace: 'prod',
      lookup: { kind: 'service-dns', clusterDomain: 'cluster.local' },
    }),
  ).resolves.toBe('http://orders-rest.prod.svc.cluster.local:8081');
});
