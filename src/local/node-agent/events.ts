/** Pod events as a kubelet records them (source component `kubelet`, this node as host). */
import type * as k8s from '@kubernetes/client-node';
import { messageOf } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { statusCodeOf, type KubeClients } from './kube-clients';

/** Event types. */
export const EventType = { Normal: 'Normal', Warning: 'Warning' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** One event about a pod (and optionally one of its containers). */
export interface PodEvent {
  pod: k8s.V1Pod;
  container?: string;
  type: EventType;
  reason: string;
  message: string;
}

/** Writes events; failures are logged, never thrown (events are best effort, as in Kubernetes). */
export class EventRecorder {
  constructor(private readonly input: { clients: KubeClients; nodeName: string; log: Logger }) {}

  /** Records `event` in the pod's namespace. */
  record(event: PodEvent): void {
    const now = new Date();
    const namespace = event.pod.metadata?.namespace ?? 'default';
    const body: k8s.CoreV1Event = {
      metadata: { generateName: `${event.pod.metadata?.name ?? 'pod'}.`, namespace },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace,
        name: event.pod.metadata?.name,
        uid: event.pod.metadata?.uid,
        resourceVersion: event.pod.metadata?.resourceVersion,
        fieldPath: event.container ? `spec.containers{${event.container}}` : undefined,
      },
      type: event.type,
      reason: event.reason,
      message: event.message,
      source: { component: 'kubelet', host: this.input.nodeName },
      reportingComponent: 'kubelet',
      reportingInstance: this.input.nodeName,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    this.input.log.info(
      { pod: `${namespace}/${event.pod.metadata?.name}`, container: event.container, reason: event.reason },
      event.message,
    );
    this.input.clients.core.createNamespacedEvent({ namespace, body }).catch((error: unknown) => {
      // A namespace being deleted refuses new events (403); that is expected and not worth a warning.
      if (statusCodeOf(error) === 403) return;
      this.input.log.warn({ err: messageOf(error), reason: event.reason }, 'could not record event');
    });
  }
}
