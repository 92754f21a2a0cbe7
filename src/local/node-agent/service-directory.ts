/**
 * Service names as a pod would resolve them with cluster DNS (`<svc>`, `<svc>.<ns>`,
 * `<svc>.<ns>.svc`, `<svc>.<ns>.svc.cluster.local`), answered from the watched Services and
 * pods: the IP of a ready pod the Service selects, else of any live pod it selects that has an
 * IP (a TaskManager may start before its JobManager is ready; Flink retries the connection).
 *
 * Not from EndpointSlices: the API server refuses loopback addresses in EndpointSlices and
 * Endpoints ("may not be in the loopback range"), so the controller-manager cannot publish
 * our 127.1.x.y pod IPs there. The selector → pods → status.podIP path is what it would have
 * published.
 */
import type * as k8s from '@kubernetes/client-node';

/** Read access to the watched Services and pods. */
export interface ServiceCaches {
  services: { get(name: string, namespace?: string): k8s.V1Service | undefined };
  pods: { list(namespace?: string): ReadonlyArray<k8s.V1Pod> };
}

/** The answer for one host name. */
export type ServiceLookup =
  | { kind: 'not-a-service' }
  | { kind: 'resolved'; ip: string; service: string }
  | { kind: 'no-endpoints'; service: string };

/** Resolves Service host names to pod IPs. */
export class ServiceDirectory {
  constructor(private readonly caches: ServiceCaches) {}

  /** Looks `host` up as a pod in namespace `podNamespace` would. */
  lookup(input: { host: string; podNamespace: string }): ServiceLookup {
    const target = parseServiceHost(input);
    if (!target) return { kind: 'not-a-service' };
    const service = this.caches.services.get(target.name, target.namespace);
    if (!service) return { kind: 'not-a-service' };
    const id = `${target.namespace}/${target.name}`;
    const ips = selectedPodIps({ service, pods: this.caches.pods.list(target.namespace) });
    const pick = (ips.ready.length > 0 ? ips.ready : ips.live)[0];
    return pick ? { kind: 'resolved', ip: pick, service: id } : { kind: 'no-endpoints', service: id };
  }
}

/** IPs of the pods a Service selects: ready ones, and all live ones with an IP; sorted. */
export function selectedPodIps(input: { service: k8s.V1Service; pods: ReadonlyArray<k8s.V1Pod> }): {
  ready: string[];
  live: string[];
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
  const ready = live.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const ips = (pods: k8s.V1Pod[]) => pods.map((p) => p.status?.podIP ?? '').sort();
  return { ready: ips(ready), live: ips(live) };
}

/** The Service a host name names, if it has a Service name's shape. */
export function parseServiceHost(input: {
  host: string;
  podNamespace: string;
}): { name: string; namespace: string } | undefined {
  const labels = input.host.toLowerCase().split('.');
  const [name, namespace] = labels;
  if (!name) return undefined;
  if (labels.length === 1) return { name, namespace: input.podNamespace };
  if (!namespace) return undefined;
  const rest = labels.slice(2).join('.');
  if (rest === '' || rest === 'svc' || rest === 'svc.cluster.local') return { name, namespace };
  return undefined;
}
