/**
 * Every pod and Service of the cluster, listed and then watched into local caches (informers of
 * @kubernetes/client-node). Each local stand-in keeps its own, as a kubelet and kube-proxy each keep theirs: the
 * node agent runs pods and answers Service names from them, kube-proxy forwards Service addresses to pods.
 */
import * as k8s from '@kubernetes/client-node';
import type { Logger } from './logger';

/** An informer and its cache. */
export type Watched<T extends k8s.KubernetesObject> = k8s.Informer<T> & k8s.ObjectCache<T>;

/** The watched pods and Services. */
export interface ClusterWatch {
  pods: Watched<k8s.V1Pod>;
  services: Watched<k8s.V1Service>;
  /** Stops both watches; one that fails after this is not started again. */
  stop(): Promise<void>;
}

/** How long a failed watch waits before it lists and watches again. */
const RESTART_DELAY_MS = 1000;

/** Starts both watches and resolves once each has listed; a watch that fails is started again. */
export async function watchCluster(input: { config: k8s.KubeConfig; log: Logger }): Promise<ClusterWatch> {
  const core = input.config.makeApiClient(k8s.CoreV1Api);
  const pods = k8s.makeInformer(input.config, '/api/v1/pods', () => core.listPodForAllNamespaces());
  const services = k8s.makeInformer(input.config, '/api/v1/services', () => core.listServiceForAllNamespaces());
  let stopped = false;
  for (const [name, informer] of [
    ['pods', pods],
    ['services', services],
  ] as const) {
    informer.on('error', (error: unknown) => {
      if (stopped) return;
      input.log.warn({ err: error, informer: name }, 'watch failed; restarting');
      setTimeout(() => {
        if (!stopped) void informer.start().catch(() => undefined);
      }, RESTART_DELAY_MS);
    });
  }
  await Promise.all([services.start(), pods.start()]);
  return {
    pods,
    services,
    stop: async () => {
      stopped = true;
      await Promise.all([pods.stop(), services.stop()]);
    },
  };
}
