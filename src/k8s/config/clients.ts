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

/** Build every API client of `kubeConfig` (no request is made). */
export function createKubeClients(kubeConfig: k8s.KubeConfig): KubeClients {
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(k8s.CoreV1Api),
    apps: kubeConfig.makeApiClient(k8s.AppsV1Api),
    discovery: kubeConfig.makeApiClient(k8s.DiscoveryV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kubeConfig),
  };
}
