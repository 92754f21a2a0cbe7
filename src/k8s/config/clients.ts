import * as k8s from '@kubernetes/client-node';

/** The API clients of one kubeconfig, built once and shared by the facade and the record store. */
export interface KubeClients {
  kubeConfig: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  discovery: k8s.DiscoveryV1Api;
  /** Generic client for server-side apply and deletes of any kind. */
  objects: k8s.KubernetesObjectApi;
}

/**
 * How long one API request may take, answer read to its end. The client library sets none: a call the API
 * server (or a proxy before it) never answers would hold its activity, and a worker shutting down on SIGTERM,
 * for good. Half the API server's own limit for a request (`--request-timeout`, 60 s): a request over it is
 * abandoned (`K8S_TIMEOUT`, retried like any transport failure: every write is idempotent).
 */
export const KUBE_REQUEST_TIMEOUT_MS = 30_000;

const userAgent = 'flink-deploy';

/**
 * The configuration `kubeConfig.makeApiClient` builds (its cluster's server, its credentials), with each
 * request bounded by `timeoutMs` and named `flink-deploy` in the API server's audit log.
 */
function boundedConfiguration(kubeConfig: k8s.KubeConfig, timeoutMs: number): k8s.Configuration {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig has no current cluster');
  return k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [
      {
        pre: (context) => {
          context.setSignal(AbortSignal.timeout(timeoutMs));
          context.setHeaderParam('User-Agent', userAgent);
          return Promise.resolve(context);
        },
        post: (response) => Promise.resolve(response),
      },
    ],
  });
}

/** The generic client, its default namespace the kubeconfig context's (as `KubernetesObjectApi.makeApiClient`). */
class ObjectsApi extends k8s.KubernetesObjectApi {
  constructor(configuration: k8s.Configuration, kubeConfig: k8s.KubeConfig) {
    super(configuration);
    this.setDefaultNamespace(kubeConfig);
  }
}

/** Build every API client of `kubeConfig` (no request is made); each request is bounded by `timeoutMs`. */
export function createKubeClients(kubeConfig: k8s.KubeConfig, timeoutMs = KUBE_REQUEST_TIMEOUT_MS): KubeClients {
  const configuration = boundedConfiguration(kubeConfig, timeoutMs);
  return {
    kubeConfig,
    core: new k8s.CoreV1Api(configuration),
    apps: new k8s.AppsV1Api(configuration),
    discovery: new k8s.DiscoveryV1Api(configuration),
    objects: new ObjectsApi(configuration, kubeConfig),
  };
}
