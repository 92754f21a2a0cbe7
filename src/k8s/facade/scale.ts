import * as k8s from '@kubernetes/client-node';
import type { KubeClients } from '../config/clients';
import { kubeCall } from '../errors/classify';
import { KubeErrorCode, KubeErrorKind } from '../errors/codes';
import { KubeApiError } from '../errors/kube-api-error';

/** The field manager of replicas set between applies (the next apply by `flink-deploy` takes them back). */
const SCALE_MANAGER = 'flink-deploy-scale';
const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);

/** Input of {@link scaleDeployment}. */
export interface ScaleDeploymentInput {
  namespace: string;
  name: string;
  replicas: number;
  /** The replicas the new count was decided on: changed since (another writer's), it rejects `K8S_CONFLICT`. */
  from: number;
}

/**
 * Sets a Deployment's `spec.replicas` from `from` to `replicas`: a JSON patch whose `test` of the current count
 * makes it a compare-and-swap of that field alone (the controller's status writes do not conflict, as a
 * resourceVersion precondition would). A missing Deployment rejects `K8S_NOT_FOUND`; replicas not `from` any
 * more, `K8S_CONFLICT`.
 */
export async function scaleDeployment(clients: KubeClients, input: ScaleDeploymentInput): Promise<void> {
  const { namespace, name } = input;
  const request = { verb: 'patch', resource: 'deployments', namespace, name };
  try {
    await patchReplicas(clients, input);
  } catch (err) {
    // A failed `test` is a 422 of the whole patch ("an error in our request", no more): when the replicas are
    // not `from` any more, it is said as what it is, a write that lost the race.
    if (!(err instanceof KubeApiError && err.code === KubeErrorCode.Invalid)) throw err;
    const now = await kubeCall({ ...request, verb: 'get' }, () =>
      clients.apps.readNamespacedDeployment({ name, namespace }),
    );
    if ((now.spec?.replicas ?? 1) === input.from) throw err;
    throw new KubeApiError({
      code: KubeErrorCode.Conflict,
      kind: KubeErrorKind.Domain,
      request,
      status: 409,
      cause: err,
      message: `could not scale deployments/${name} in namespace ${namespace}: replicas no longer ${input.from}`,
    });
  }
}

async function patchReplicas(clients: KubeClients, input: ScaleDeploymentInput): Promise<void> {
  const { namespace, name } = input;
  await kubeCall({ verb: 'patch', resource: 'deployments', namespace, name }, () =>
    clients.apps.patchNamespacedDeployment(
      {
        name,
        namespace,
        body: [
          { op: 'test', path: '/spec/replicas', value: input.from },
          { op: 'replace', path: '/spec/replicas', value: input.replicas },
        ],
        fieldManager: SCALE_MANAGER,
      },
      jsonPatch,
    ),
  );
}
