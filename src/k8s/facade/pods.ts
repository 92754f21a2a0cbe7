import type { KubeClients } from '../config/clients';
import { kubeCall } from '../errors/classify';
import { listEvents } from './events';
import { explainPod, type PodReadiness } from './pod-readiness';
import type { EventSummary } from './types';

/** Input of {@link listAppPods}. */
export interface ListAppPodsInput {
  namespace: string;
  /** Label selector of the application's pods (or one component's). */
  labelSelector: string;
  /** At most this many Events, newest first; 0 reads none (one LIST fewer). @default 20 */
  eventLimit?: number;
}

/** The application's pods, why each is not ready, and recent Events about them. */
export interface AppPodsReport {
  pods: PodReadiness[];
  /** Number of pods that are ready. */
  readyCount: number;
  events: EventSummary[];
}

/**
 * List the pods matching a selector and explain each one's readiness, with the recent Events
 * about them (two LISTs, one without Events; no watch). A snapshot: call again to observe progress.
 */
export async function listAppPods(clients: KubeClients, input: ListAppPodsInput): Promise<AppPodsReport> {
  const list = await kubeCall({ verb: 'list', resource: 'pods', namespace: input.namespace }, () =>
    clients.core.listNamespacedPod({ namespace: input.namespace, labelSelector: input.labelSelector }),
  );
  const pods = list.items.map(explainPod).sort((a, b) => a.name.localeCompare(b.name));
  const events =
    pods.length === 0 || input.eventLimit === 0
      ? []
      : await listEvents(clients, {
          namespace: input.namespace,
          kind: 'Pod',
          names: new Set(pods.map((p) => p.name)),
          limit: input.eventLimit,
        });
  return { pods, readyCount: pods.filter((p) => p.ready).length, events };
}
