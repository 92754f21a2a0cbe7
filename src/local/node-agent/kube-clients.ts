/** The Kubernetes API clients the agent uses, built once from the kubeconfig. */
import * as k8s from '@kubernetes/client-node';

/** API clients of the agent. */
export interface KubeClients {
  config: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  coordination: k8s.CoordinationV1Api;
}

/** Loads the kubeconfig file and makes the clients. */
export function createKubeClients(kubeconfig: string): KubeClients {
  const config = new k8s.KubeConfig();
  config.loadFromFile(kubeconfig);
  return {
    config,
    core: config.makeApiClient(k8s.CoreV1Api),
    coordination: config.makeApiClient(k8s.CoordinationV1Api),
  };
}

/** Options for a strategic-merge-patch request. */
export const strategicMergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

/** Options for a JSON merge-patch request. */
export const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/** The HTTP status of a failed API call, if it has one. */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number')
    return error.code;
  return undefined;
}

/** Runs an API call and maps 404 to undefined. */
export async function ignoreNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw error;
  }
}
