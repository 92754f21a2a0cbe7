import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from '../../../src/k8s/config/clients';
import { listAppPods } from '../../../src/k8s/facade/pods';

const pod: V1Pod = {
  metadata: { name: 'orders-taskmanager-abc', namespace: 'flink' },
  spec: { containers: [{ name: 'flink-main-container' }], nodeName: 'local-node' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
};

const event: CoreV1Event = {
  metadata: { name: 'orders-taskmanager-abc.1', namespace: 'flink' },
  involvedObject: { kind: 'Pod', name: 'orders-taskmanager-abc' },
  reason: 'Started',
  message: 'Started container flink-main-container',
  type: 'Normal',
  lastTimestamp: new Date('2026-01-01T00:00:00Z'),
};

/** Clients answering one pod and one Event, counting the Event LISTs (stand-in: the call count is the outcome). */
function clients(): { clients: KubeClients; eventLists: () => number } {
  let eventLists = 0;
  const core = {
    listNamespacedPod: async () => ({ items: [pod] }),
    listNamespacedEvent: async () => {
      eventLists += 1;
      return { items: [event] };
    },
  };
  return { clients: { core } as unknown as KubeClients, eventLists: () => eventLists };
}

test('eventLimit 0 lists the pods and reads no Events', async () => {
  const stand = clients();
  const report = await listAppPods(stand.clients, { namespace: 'flink', labelSelector: 'app=orders', eventLimit: 0 });
  expect(report.pods.map((p) => p.name)).toEqual(['orders-taskmanager-abc']);
  expect(report.events).toEqual([]);
  expect(stand.eventLists()).toBe(0);
});

test('by default the Events about the pods come along', async () => {
  const stand = clients();
  const report = await listAppPods(stand.clients, { namespace: 'flink', labelSelector: 'app=orders' });
  expect(report.events.map((e) => e.reason)).toEqual(['Started']);
  expect(stand.eventLists()).toBe(1);
});
