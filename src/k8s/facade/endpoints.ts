import type { V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import type { KubeClients } from '../config/clients';
import { kubeCall, kubeCallOr404 } from '../errors/classify';
import type { EndpointAddress } from './types';

/** Ready addresses of a set of EndpointSlices (pure): not terminating, `ready` unset or true. */
export function readyAddressesOf(slices: V1EndpointSlice[]): EndpointAddress[] {
  const byIp = new Map<string, EndpointAddress>();
  for (const slice of slices) {
    const ports = (slice.ports ?? [])
      .filter((p) => p.port !== undefined)
      .map((p) => ({ name: p.name ?? '', port: p.port as number, protocol: p.protocol ?? 'TCP' }));
    for (const endpoint of slice.endpoints ?? []) {
      const c = endpoint.conditions ?? {};
      if (c.ready === false || c.terminating === true) continue;
      for (const ip of endpoint.addresses) {
        if (byIp.has(ip)) continue;
        byIp.set(ip, { ip, ports, podName: endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef.name : undefined });
      }
    }
  }
  return [...byIp.values()].sort((a, b) => a.ip.localeCompare(b.ip));
}

/**
 * Ready addresses of a Service computed from its selector and pods (pure), the way the
 * EndpointSlice controller would: ready, not terminating pods with an IP, each Service port
 * mapped to its target port (named target ports resolved through the container ports).
 */
export function readyAddressesFromPods(service: V1Service, pods: V1Pod[]): EndpointAddress[] {
  const addresses: EndpointAddress[] = [];
  for (const pod of pods) {
    const ip = pod.status?.podIP;
    const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    if (!ip || !ready || pod.metadata?.deletionTimestamp) continue;
    const containerPorts = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
    const ports = (service.spec?.ports ?? []).flatMap((p) => {
      const target = p.targetPort ?? p.port;
      const port =
        typeof target === 'number'
          ? target
          : /^\d+$/.test(target)
            ? Number(target)
            : containerPorts.find((cp) => cp.name === target)?.containerPort;
      return port === undefined ? [] : [{ name: p.name ?? '', port, protocol: p.protocol ?? 'TCP' }];
    });
    addresses.push({ ip, ports, podName: pod.metadata?.name });
  }
  return addresses.sort((a, b) => a.ip.localeCompare(b.ip));
}

/** Input of {@link readyEndpointAddresses}. */
export interface ReadyEndpointAddressesInput {
  namespace: string;
  serviceName: string;
}

/**
 * Ready addresses of a Service: how a worker outside the cluster reaches Flink REST.
 * Reads the Service's EndpointSlices (label `kubernetes.io/service-name`); when they hold no
 * ready address, derives them from the Service's selector and its ready pods (the API server
 * refuses loopback addresses in EndpointSlices, and the local stack's pod IPs are loopback).
 * An empty array means no ready endpoint yet, or no such Service. Two or three reads.
 */
export async function readyEndpointAddresses(
  clients: KubeClients,
  input: ReadyEndpointAddressesInput,
): Promise<EndpointAddress[]> {
  const { namespace, serviceName } = input;
  const slices = await kubeCall({ verb: 'list', resource: 'endpointslices', namespace }, () =>
    clients.discovery.listNamespacedEndpointSlice({
      namespace,
      labelSelector: `kubernetes.io/service-name=${serviceName}`,
    }),
  );
  const fromSlices = readyAddressesOf(slices.items);
  if (fromSlices.length > 0) return fromSlices;
  const service = await kubeCallOr404({ verb: 'get', resource: 'services', namespace, name: serviceName }, () =>
    clients.core.readNamespacedService({ namespace, name: serviceName }),
  );
  const selector = service?.spec?.selector;
  if (!service || !selector || Object.keys(selector).length === 0) return [];
  const labelSelector = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await kubeCall({ verb: 'list', resource: 'pods', namespace }, () =>
    clients.core.listNamespacedPod({ namespace, labelSelector }),
  );
  return readyAddressesFromPods(service, pods.items);
}
