import type { V1Deployment } from '@kubernetes/client-node';
import type { KubeClients } from '../config/clients';
import { kubeCallOr404 } from '../errors/classify';
import type { DeploymentStatusResult } from './types';

/** Summarise a Deployment read from the API (pure). */
export function summariseDeployment(deployment: V1Deployment): DeploymentStatusResult {
  const meta = deployment.metadata ?? {};
  const status = deployment.status ?? {};
  const generation = meta.generation ?? 0;
  const observedGeneration = status.observedGeneration ?? 0;
  const desiredReplicas = deployment.spec?.replicas ?? 1;
  const replicas = status.replicas ?? 0;
  const updatedReplicas = status.updatedReplicas ?? 0;
  const readyReplicas = status.readyReplicas ?? 0;
  const conditions = (status.conditions ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
  }));
  return {
    found: true,
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    generation,
    observedGeneration,
    desiredReplicas,
    replicas,
    updatedReplicas,
    readyReplicas,
    availableReplicas: status.availableReplicas ?? 0,
    unavailableReplicas: status.unavailableReplicas ?? 0,
    rolledOut:
      observedGeneration >= generation &&
      updatedReplicas === desiredReplicas &&
      readyReplicas === desiredReplicas &&
      replicas === desiredReplicas,
    progressDeadlineExceeded: conditions.some(
      (c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded',
    ),
    conditions,
  };
}

/** Read one Deployment's status (one GET). `found: false` when it does not exist. */
export async function readDeploymentStatus(
  clients: KubeClients,
  input: { namespace: string; name: string },
): Promise<DeploymentStatusResult> {
  const deployment = await kubeCallOr404({ verb: 'get', resource: 'deployments', ...input }, () =>
    clients.apps.readNamespacedDeployment(input),
  );
  return deployment === undefined ? { found: false, ...input } : summariseDeployment(deployment);
}
