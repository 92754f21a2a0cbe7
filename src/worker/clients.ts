/** The clients the activities use, built once from the settings. */
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import type { Settings } from '../config/settings';
import { FlinkRestClient, resolveFlinkEndpoint, type FlinkEndpointLookup } from '../flink';
import {
  createKubeClients,
  createKubeFacade,
  KubeConfigSource,
  loadKubeConfig,
  runsInCluster,
  type KubeFacade,
} from '../k8s';
import type { AppRef } from '../contract/app';

export interface WorkerClients {
  kube: KubeFacade;
  /** Where the Kubernetes credentials came from: the pod's ServiceAccount, or a kubeconfig. */
  kubeCredentials: 'in-cluster service account' | 'kubeconfig';
  flinkFor(app: AppRef): Promise<FlinkRestClient>;
  close(): Promise<void>;
}

/**
 * Flink REST connections per JobManager origin: a worker runs a few activities at once, each with
 * at most one request in flight, so 16 never queues while bounding sockets per JobManager.
 */
const FLINK_CONNECTIONS_PER_ORIGIN = 16;
/** Idle keep-alive: long-waiting activities poll every few seconds; longer than that reuses the socket. */
const FLINK_KEEP_ALIVE_MS = 10_000;

export function createWorkerClients(settings: Settings): WorkerClients {
  // In a pod with no kubeconfig given: the pod's ServiceAccount, whatever ~/.kube/config holds.
  const inCluster = settings.kubeconfig === undefined && runsInCluster(process.env);
  const kube = createKubeFacade(
    createKubeClients(
      loadKubeConfig({
        path: settings.kubeconfig,
        context: settings.kubeContext,
        source: inCluster ? KubeConfigSource.InCluster : undefined,
        serviceAccountDir: settings.serviceAccountDir,
      }),
    ),
  );
  const pool = { connections: FLINK_CONNECTIONS_PER_ORIGIN, keepAliveTimeout: FLINK_KEEP_ALIVE_MS };
  const dispatcher: Dispatcher = settings.flinkProxy
    ? new ProxyAgent({ uri: settings.flinkProxy, proxyTunnel: false, ...pool })
    : new Agent(pool);
  const lookup: FlinkEndpointLookup =
    settings.flinkEndpoint === 'service-dns'
      ? { kind: 'service-dns' }
      : { kind: 'endpoint-slice', listReadyAddresses: (input) => kube.readyEndpointAddresses(input) };
  const timeout = settings.flinkRequestTimeoutMs;
  return {
    kube,
    kubeCredentials: inCluster ? 'in-cluster service account' : 'kubeconfig',
    async flinkFor(app) {
      const baseUrl = await resolveFlinkEndpoint({ app: app.name, namespace: app.namespace, lookup });
      return new FlinkRestClient({ baseUrl, dispatcher, timeouts: { read: timeout } });
    },
    close: () => dispatcher.close(),
  };
}
