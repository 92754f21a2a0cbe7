/** The Node's Lease in kube-node-lease, renewed like a kubelet does (every 10 s, 40 s duration). */
import * as k8s from '@kubernetes/client-node';
import { ignoreNotFound, type KubeClients } from './kube-clients';

/** Seconds a lease stays valid without renewal. */
export const LEASE_DURATION_SECONDS = 40;
/** How often the lease is renewed. */
export const LEASE_RENEW_INTERVAL_MS = 10_000;

const LEASE_NAMESPACE = 'kube-node-lease';

/** Creates or renews the Node's lease, owned by the Node so it goes away with it. */
export async function renewNodeLease(
  clients: KubeClients,
  input: { nodeName: string; nodeUid: string | undefined },
): Promise<void> {
  const now = new Date();
  const existing = await ignoreNotFound(
    clients.coordination.readNamespacedLease({ name: input.nodeName, namespace: LEASE_NAMESPACE }),
  );
  if (!existing) {
    const body: k8s.V1Lease = {
      metadata: {
        name: input.nodeName,
        namespace: LEASE_NAMESPACE,
        ownerReferences: input.nodeUid
          ? [{ apiVersion: 'v1', kind: 'Node', name: input.nodeName, uid: input.nodeUid }]
          : undefined,
      },
      spec: {
        holderIdentity: input.nodeName,
        leaseDurationSeconds: LEASE_DURATION_SECONDS,
        renewTime: toMicroTime(now),
      },
    };
    await clients.coordination.createNamespacedLease({ namespace: LEASE_NAMESPACE, body });
    return;
  }
  existing.spec = {
    ...existing.spec,
    holderIdentity: input.nodeName,
    leaseDurationSeconds: LEASE_DURATION_SECONDS,
    renewTime: toMicroTime(now),
  };
  await clients.coordination.replaceNamespacedLease({
    name: input.nodeName,
    namespace: LEASE_NAMESPACE,
    body: existing,
  });
}

/** MicroTime fields need microsecond precision on the wire. */
function toMicroTime(date: Date): k8s.V1MicroTime {
  return new k8s.V1MicroTime(date.getTime());
}
