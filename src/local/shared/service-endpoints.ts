/**
 * The pods behind a Service, found as the endpoints controller would find them: its selector over the watched
 * pods, their `status.podIP`. The node agent answers a Service name with them (service-directory.ts) and
 * kube-proxy forwards to them (service-proxy.ts). Not from EndpointSlices: the API server refuses loopback
 * addresses there ("may not be in the loopback range"), so the controller-manager cannot publish our pod IPs.
 */
import type * as k8s from '@kubernetes/client-node';

/** Read access to the watched Services and pods. */
export interface ServiceCaches {
  services: { get(name: string, namespace?: string): k8s.V1Service | undefined };
  pods: { list(namespace?: string): ReadonlyArray<k8s.V1Pod> };
}

/** The pods a Service selects: ready ones, and all live ones with an IP; by pod IP. */
export function selectedPods(input: { service: k8s.V1Service; pods: ReadonlyArray<k8s.V1Pod> }): {
  ready: k8s.V1Pod[];
  live: k8s.V1Pod[];
} {
  const selector = input.service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return { ready: [], live: [] };
  const live = input.pods.filter(
    (p) =>
      !p.metadata?.deletionTimestamp &&
      p.status?.podIP &&
      p.status.phase !== 'Succeeded' &&
      p.status.phase !== 'Failed' &&
      Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v),
  );
  live.sort((a, b) => (a.status?.podIP ?? '').localeCompare(b.status?.podIP ?? ''));
  const ready = live.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  return { ready, live };
}
