/**
 * Service names as a pod would resolve them with cluster DNS (`<svc>`, `<svc>.<ns>`,
 * `<svc>.<ns>.svc`, `<svc>.<ns>.svc.cluster.local`), answered from the Services and
 * EndpointSlices the agent watches: the IP of a ready endpoint (a pod IP on this node),
 * else of any endpoint that is not terminating.
 */
import type * as k8s from '@kubernetes/client-node';

/** Read access to the watched Services and EndpointSlices. */
export interface ServiceCaches {
  services: { get(name: string, namespace?: string): k8s.V1Service | undefined };
  endpointSlices: { list(namespace?: string): ReadonlyArray<k8s.V1EndpointSlice> };
}

/** The answer for one host name. */
export type ServiceLookup =
  | { kind: 'not-a-service' }
  | { kind: 'resolved'; ip: string; service: string }
  | { kind: 'no-endpoints'; service: string };

/** Resolves Service host names to endpoint IPs. */
export class ServiceDirectory {
  constructor(private readonly caches: ServiceCaches) {}

  /** Looks `host` up as a pod in namespace `podNamespace` would. */
  lookup(input: { host: string; podNamespace: string }): ServiceLookup {
    const target = parseServiceHost(input);
    if (!target) return { kind: 'not-a-service' };
    const service = this.caches.services.get(target.name, target.namespace);
    if (!service) return { kind: 'not-a-service' };
    const id = `${target.namespace}/${target.name}`;
    const slices = this.caches.endpointSlices
      .list(target.namespace)
      .filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === target.name && s.addressType === 'IPv4');
    const endpoints = slices.flatMap((s) => s.endpoints ?? []);
    const ready = endpoints.filter((e) => e.conditions?.ready !== false);
    const live = endpoints.filter((e) => e.conditions?.terminating !== true);
    const pick = (ready.length > 0 ? ready : live).flatMap((e) => e.addresses).sort()[0];
    return pick ? { kind: 'resolved', ip: pick, service: id } : { kind: 'no-endpoints', service: id };
  }
}

/** The Service a host name names, if it has a Service name's shape. */
export function parseServiceHost(input: { host: string; podNamespace: string }): { name: string; namespace: string } | undefined {
  const labels = input.host.toLowerCase().split('.');
  const [name, namespace] = labels;
  if (!name) return undefined;
  if (labels.length === 1) return { name, namespace: input.podNamespace };
  if (!namespace) return undefined;
  const rest = labels.slice(2).join('.');
  if (rest === '' || rest === 'svc' || rest === 'svc.cluster.local') return { name, namespace };
  return undefined;
}
