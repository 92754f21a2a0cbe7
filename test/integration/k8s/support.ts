/** Shared helpers of the Kubernetes facade's integration tests (real kube-apiserver of the local stack). */
import { randomBytes } from 'node:crypto';
import { createKubeClients, loadKubeConfig, type KubeClients } from '../../../src/k8s';
import { stack } from '../../support/stack';
import { eventually as pollEventually } from '../../support/eventually';

/** Admin clients (system:masters) of the local stack. */
export function adminClients(): KubeClients {
  return createKubeClients(loadKubeConfig({ path: stack.kubeconfig }));
}

/** A fresh namespace for one test; `cleanup` deletes it (tolerating 404). */
export async function testNamespace(
  clients: KubeClients,
  prefix: string,
): Promise<{ name: string; cleanup: () => Promise<void> }> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await clients.core.createNamespace({ body: { metadata: { name, labels: { 'flink-deploy.test': 'k8s-facade' } } } });
  return {
    name,
    cleanup: async () => {
      await clients.core.deleteNamespace({ name }).catch(() => undefined);
    },
  };
}

/** Poll `probe` until it returns a value (not undefined), or fail after `timeoutMs`. */
export function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  return pollEventually(what, probe, { timeoutMs, intervalMs: 200, tolerateErrors: false });
}

/**
 * A small Deployment whose pods never run: its image is not one the local node agent can
 * start (ErrImagePull), and without the node agent its pods stay unscheduled.
 */
export function testDeployment(
  namespace: string,
  name: string,
  extra: {
    labels?: Record<string, string>;
    replicas?: number;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string }>;
  } = {},
) {
  const labels = { 'app.kubernetes.io/instance': name, ...(extra.labels ?? {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels, ownerReferences: extra.ownerReferences },
    spec: {
      replicas: extra.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'main', image: 'registry.invalid/not-runnable:1' }] },
      },
    },
  };
}
