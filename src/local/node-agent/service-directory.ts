/**
 * Service names as a pod would resolve them with cluster DNS (`<svc>`, `<svc>.<ns>`,
 * `<svc>.<ns>.svc`, `<svc>.<ns>.svc.cluster.local`), answered from the watched Services and
 * pods:
 * - a Service whose clusterIP is in the node's Service range (`--service-cidr`) resolves to
 *   that clusterIP, where kube-proxy (src/local/kube-proxy, its own process) forwards to a
 *   ready endpoint — the address survives pod restarts;
 * - any other Service (headless, or a clusterIP from outside the range, e.g. created before
 *   the range was loopback) resolves to the IP of a ready pod it selects, else of any live pod
 *   it selects that has an IP (a TaskManager may start before its JobManager is ready).
 * The pods a Service selects are found from its selector (service-endpoints.ts), not from
 * EndpointSlices, which cannot hold loopback addresses.
 */
import type * as k8s from '@kubernetes/client-node';
import { inRange, type LoopbackRange } from '../shared/loopback-range';
import { selectedPods, type ServiceCaches } from '../shared/service-endpoints';

/** The answer for one host name. */
export type ServiceLookup =
  | { kind: 'not-a-service' }
  | { kind: 'resolved'; ip: string; service: string }
  | { kind: 'no-endpoints'; service: string };

/** Resolves Service host names to pod IPs. */
export class ServiceDirectory {
  constructor(
    private readonly caches: ServiceCaches,
    private readonly serviceRange: LoopbackRange,
  ) {}

  /** True when `ip` is in the Service range, where kube-proxy listens. */
  isServiceAddress(ip: string): boolean {
    return inRange(this.serviceRange, ip);
  }

  /** Looks `host` up as a pod in namespace `podNamespace` would. */
  lookup(input: { host: string; podNamespace: string }): ServiceLookup {
    const target = parseServiceHost(input);
    if (!target) return { kind: 'not-a-service' };
    const service = this.caches.services.get(target.name, target.namespace);
    if (!service) return { kind: 'not-a-service' };
    const id = `${target.namespace}/${target.name}`;
    const clusterIp = service.spec?.clusterIP;
    if (clusterIp && inRange(this.serviceRange, clusterIp) && Object.keys(service.spec?.selector ?? {}).length > 0) {
      return { kind: 'resolved', ip: clusterIp, service: id };
    }
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
  const { ready, live } = selectedPods(input);
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
