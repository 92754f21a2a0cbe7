import type { V1Deployment } from '@kubernetes/client-node';
import { readyAddressesFromPods, readyAddressesOf } from '../../../src/k8s';
import { summariseDeployment } from '../../../src/k8s/facade/deployment-status';
import { applyBody } from '../../../src/k8s/facade/apply';

function deployment(generation: number, status: V1Deployment['status']): V1Deployment {
  return {
    metadata: { name: 'orders-taskmanager', namespace: 'apps', uid: 'u', generation },
    spec: { replicas: 2, selector: {}, template: {} },
    status,
  };
}

test('a Deployment is rolled out when the controller saw the spec and all replicas are updated and ready', () => {
  expect(
    summariseDeployment(
      deployment(2, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }),
    ),
  ).toMatchObject({ rolledOut: true, desiredReplicas: 2 });
  expect(
    summariseDeployment(deployment(3, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2 })),
  ).toMatchObject({ rolledOut: false });
  expect(
    summariseDeployment(deployment(2, { observedGeneration: 2, replicas: 3, updatedReplicas: 2, readyReplicas: 2 })),
  ).toMatchObject({ rolledOut: false, replicas: 3 });
  expect(
    summariseDeployment(
      deployment(2, {
        observedGeneration: 2,
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 0,
        unavailableReplicas: 2,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet has timed out progressing.',
          },
        ],
      }),
    ),
  ).toMatchObject({ rolledOut: false, progressDeadlineExceeded: true, unavailableReplicas: 2 });
});

test('EndpointSlice addresses: ready or unknown, not terminating, deduplicated', () => {
  const ports = [{ name: 'rest', port: 8081, protocol: 'TCP' }];
  expect(
    readyAddressesOf([
      {
        addressType: 'IPv4',
        ports,
        endpoints: [
          { addresses: ['10.0.0.3'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'jm' } },
          { addresses: ['10.0.0.4'], conditions: { ready: false } },
        ],
      },
      {
        addressType: 'IPv4',
        ports,
        endpoints: [
          { addresses: ['10.0.0.2'] },
          { addresses: ['10.0.0.3'] },
          { addresses: ['10.0.0.5'], conditions: { terminating: true } },
        ],
      },
    ]),
  ).toEqual([
    { ip: '10.0.0.2', ports, podName: undefined },
    { ip: '10.0.0.3', ports, podName: 'jm' },
  ]);
});

test('addresses from a Service selector and its pods: ready pods only, named target ports resolved', () => {
  const service = {
    spec: {
      selector: { app: 'orders' },
      ports: [
        { name: 'rest', port: 80, targetPort: 'rest' as unknown as object },
        { name: 'rpc', port: 6123 },
      ],
    },
  };
  const readyPod = {
    metadata: { name: 'jm-1' },
    spec: { containers: [{ name: 'm', ports: [{ name: 'rest', containerPort: 8081 }] }] },
    status: { podIP: '127.1.0.7', conditions: [{ type: 'Ready', status: 'True' }] },
  };
  const unready = {
    metadata: { name: 'jm-2' },
    spec: { containers: [] },
    status: { podIP: '127.1.0.8', conditions: [{ type: 'Ready', status: 'False' }] },
  };
  expect(readyAddressesFromPods(service as never, [readyPod, unready] as never)).toEqual([
    {
      ip: '127.1.0.7',
      podName: 'jm-1',
      ports: [
        { name: 'rest', port: 8081, protocol: 'TCP' },
        { name: 'rpc', port: 6123, protocol: 'TCP' },
      ],
    },
  ]);
});

test('an apply body drops status and server-owned metadata', () => {
  const body = applyBody({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', namespace: 'b', resourceVersion: '5', uid: 'u', managedFields: [], labels: { x: 'y' } },
    status: {},
  } as never);
  expect(body).toEqual({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', namespace: 'b', labels: { x: 'y' } },
  });
});
