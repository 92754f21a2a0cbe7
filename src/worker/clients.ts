/** The clients the activities use, built once from the settings. */
import { Agent } from 'undici';
import type { Settings } from '../config/settings';
import { FlinkRestClient, resolveFlinkEndpoint, type FlinkEndpointMode } from '../flink';
import { createKubeClients, createKubeFacade, loadKubeConfig, type KubeFacade } from '../k8s';
import type { AppRef } from '../contract/app';

export interface WorkerClients {
  kube: KubeFacade;
  flinkFor(app: AppRef): Promise<FlinkRestClient>;
  close(): Promise<void>;
}

export function createWorkerClients(settings: Settings): WorkerClients {
  const kube = createKubeFacade(
    createKubeClients(loadKubeConfig({ path: settings.kubeconfig, context: settings.kubeContext })),
  );
  const dispatcher = new Agent({ connections: 16, keepAliveTimeout: 10_000 });
  const mode: FlinkEndpointMode =
    settings.flinkEndpoint === 'service-dns'
      ? { kind: 'service-dns' }
      : { kind: 'endpoint-slice', listReadyAddresses: (input) => kube.readyEndpointAddresses(input) };
  const timeout = settings.flinkRequestTimeoutMs;
  return {
    kube,
    async flinkFor(app) {
      const baseUrl = await resolveFlinkEndpoint({ app: app.name, namespace: app.namespace, mode });
      return new FlinkRestClient({ baseUrl, dispatcher, timeouts: { read: timeout } });
    },
    close: () => dispatcher.close(),
  };
}
