/**
 * Binding: there is no scheduler in the local cluster, so the agent binds every pending pod
 * (no nodeName, default scheduler) to its node through the pods/binding subresource, which
 * also sets the PodScheduled condition.
 */
import type * as k8s from '@kubernetes/client-node';
import { EventType, type EventRecorder } from './events';
import { statusCodeOf, type KubeClients } from './kube-clients';

/** True when `pod` waits for a scheduler this node stands in for. */
export function needsBinding(pod: k8s.V1Pod): boolean {
  const scheduler = pod.spec?.schedulerName ?? 'default-scheduler';
  return (
    !pod.spec?.nodeName &&
    !pod.metadata?.deletionTimestamp &&
    scheduler === 'default-scheduler' &&
    pod.status?.phase !== 'Succeeded' &&
    pod.status?.phase !== 'Failed'
  );
}

/** Binds pods to one node, each at most once at a time. */
export class Binder {
  private readonly inFlight = new Set<string>();

  constructor(private readonly input: { clients: KubeClients; nodeName: string; events: EventRecorder }) {}

  /** Binds `pod`; a conflict (already bound) is fine. */
  async bind(pod: k8s.V1Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    if (this.inFlight.has(uid)) return;
    this.inFlight.add(uid);
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? 'default';
    try {
      await this.input.clients.core.createNamespacedPodBinding({
        name,
        namespace,
        body: {
          metadata: { name, namespace, uid },
          target: { apiVersion: 'v1', kind: 'Node', name: this.input.nodeName },
        },
      });
      this.input.events.record({
        pod,
        type: EventType.Normal,
        reason: 'Scheduled',
        message: `Successfully assigned ${namespace}/${name} to ${this.input.nodeName}`,
      });
    } catch (error) {
      const code = statusCodeOf(error);
      if (code !== 409 && code !== 404) throw error;
    } finally {
      this.inFlight.delete(uid);
    }
  }
}
