/**
 * The pod status in the API is the node's, as a kubelet keeps it: another writer's change is mended. After an
 * API server outage the node lifecycle controller sees the node's lease late and marks every pod of the node
 * `Ready: False` (MarkPodsNotReady); a kubelet's status manager writes its own status again within seconds.
 * Found by the fault matrix (upgrade-savepoint/after-stop-trigger/apiserver-restart): a JobManager whose REST
 * port never closed stayed not Ready for good, so its Service had no ready address and the upgrade failed.
 */
import type * as k8s from '@kubernetes/client-node';
import { createNamespace, deleteNamespace, eventually, isReady, kube } from './cluster';

let namespace = '';
beforeAll(async () => {
  namespace = await createNamespace('node-agent-drift');
});
afterAll(async () => {
  await deleteNamespace(namespace);
});

test('a running pod marked not Ready by another writer is Ready again, as its node reports it', async () => {
  const name = 'steady';
  await kube.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name },
      spec: {
        terminationGracePeriodSeconds: 2,
        containers: [{ name: 'main', image: 'busybox:1.35.0', command: ['sleep', '3600'] }],
      },
    },
  });
  const ready = await eventually('the pod Ready', async () => {
    const pod = await kube.core.readNamespacedPodStatus({ name, namespace });
    return isReady(pod) ? pod : undefined;
  });

  // What the node lifecycle controller writes for a node it saw NotReady.
  const conditions = (ready.status?.conditions ?? []).map((c): k8s.V1PodCondition =>
    c.type === 'Ready' ? { ...c, status: 'False', reason: 'NodeNotReady', lastTransitionTime: new Date() } : c,
  );
  const marked = await kube.core.replaceNamespacedPodStatus({
    name,
    namespace,
    body: { ...ready, status: { ...ready.status, conditions } },
  });
  expect(isReady(marked)).toBe(false);
  const markedAt = Date.now();

  const mended = await eventually(
    'the pod Ready again',
    async () => {
      const pod = await kube.core.readNamespacedPodStatus({ name, namespace });
      return isReady(pod) ? pod : undefined;
    },
    30_000,
  );
  expect(Date.now() - markedAt).toBeLessThan(30_000);
  // The same container, never restarted: only the status was mended.
  const container = (pod: k8s.V1Pod) => pod.status?.containerStatuses?.[0];
  expect(container(mended)?.containerID).toBe(container(ready)?.containerID);
  expect(container(mended)?.restartCount).toBe(0);
});
