/**
 * Where the Flink REST API of an application is: Service DNS inside the cluster, or the ready
 * addresses of the `<app>-rest` Service from outside (the local stack; the API server's proxy
 * refuses loopback endpoints). Kubernetes access is a function the caller passes: src/k8s's
 * `KubeFacade.readyEndpointAddresses` reads the EndpointSlices and, since the API server refuses
 * loopback addresses in them, falls back to the Service selector's ready pods. So this module
 * needs no Kubernetes client.
 */
import { FlinkErrorCode, FlinkTransportError } from './errors';

/** Port of Flink REST in our Services. */
export const FLINK_REST_PORT = 8081;

/** The `<app>-rest` Service name (the name src/k8s/render/names.ts gives the Service). */
export function restServiceName(app: string): string {
  return `${app}-rest`;
}

/** One ready address of a Service, as src/k8s reads it from EndpointSlices. */
export interface ReadyAddress {
  ip: string;
  ports: readonly { name?: string; port: number }[];
}

/** Lists the ready addresses of a Service (from its EndpointSlices). */
export type ListReadyAddresses = (input: {
  namespace: string;
  serviceName: string;
}) => Promise<readonly ReadyAddress[]>;

/** How to reach Flink REST. */
export type FlinkEndpointLookup =
  /** In the cluster: `http://<app>-rest.<ns>.svc:8081`. */
  | { kind: 'service-dns'; clusterDomain?: string }
  /** Outside the cluster: the first ready EndpointSlice address of `<app>-rest`. */
  | { kind: 'endpoint-slice'; listReadyAddresses: ListReadyAddresses };

/** Input of {@link resolveFlinkEndpoint}. */
export interface ResolveFlinkEndpointInput {
  app: string;
  namespace: string;
  lookup: FlinkEndpointLookup;
}

/**
 * The base URL of the application's Flink REST API. In `endpoint-slice` mode, throws a
 * retryable FlinkTransportError `FLINK_NO_ENDPOINT` while the Service has no ready address.
 */
export async function resolveFlinkEndpoint(input: ResolveFlinkEndpointInput): Promise<string> {
  const serviceName = restServiceName(input.app);
  if (input.lookup.kind === 'service-dns') {
    const domain = input.lookup.clusterDomain ? `.svc.${input.lookup.clusterDomain}` : '.svc';
    return `http://${serviceName}.${input.namespace}${domain}:${FLINK_REST_PORT}`;
  }
  const addresses = await input.lookup.listReadyAddresses({ namespace: input.namespace, serviceName });
  const chosen = [...addresses].sort((a, b) => a.ip.localeCompare(b.ip))[0];
  if (!chosen) {
    throw new FlinkTransportError({
      code: FlinkErrorCode.NoEndpoint,
      message: `Service ${input.namespace}/${serviceName} has no ready endpoint yet`,
      request: { method: 'RESOLVE', url: `endpointslices/${input.namespace}/${serviceName}` },
    });
  }
  const port = chosen.ports.find((p) => p.name === 'rest')?.port ?? chosen.ports[0]?.port ?? FLINK_REST_PORT;
  const host = chosen.ip.includes(':') ? `[${chosen.ip}]` : chosen.ip;
  return `http://${host}:${port}`;
}
