/**
 * The pre-flight checks a deploy makes before anything is torn down: a server-side dry run
 * (`dryRun=All`, `fieldValidation=Strict`) of each object exactly as it will be applied, and
 * whether a ServiceAccount exists. Nothing is stored; the API server runs validation and
 * admission as for the real apply, so a 422 or 403 shows here first.
 */
import * as k8s from '@kubernetes/client-node';
import type { KubeClients } from '../config/clients';
import { KubeErrorCode, KubeErrorKind } from '../errors/codes';
import { kubeCall, kubeCallOr404 } from '../errors/classify';
import { KubeApiError } from '../errors/kube-api-error';
import { applyBody } from './apply';
import { resourceOf } from './resource-names';
import { FIELD_MANAGER, type ApplyableObject } from './types';

/** The cluster's server address, every request's context with `fieldValidation=Strict` added. */
class StrictFieldValidationServer extends k8s.ServerConfiguration<Record<string, string>> {
  override makeRequestContext(endpoint: string, method: k8s.HttpMethod): k8s.RequestContext {
    const context = super.makeRequestContext(endpoint, method);
    context.setQueryParam('fieldValidation', 'Strict');
    return context;
  }
}

/** A configuration whose requests carry `fieldValidation=Strict` (auth and middleware: the client's own). */
function strictConfiguration(clients: KubeClients): k8s.Configuration {
  const server = clients.kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig has no current cluster');
  return k8s.createConfiguration({
    baseServer: new StrictFieldValidationServer(server, {}),
    authMethods: { default: clients.kubeConfig },
  });
}

/**
 * A server-side apply body the API server cannot convert to its type (an invalid quantity such as
 * `2 potatoes`) is answered 500 "failed to convert new object", not 422: the same body gets the
 * same answer, so it is a refusal (`K8S_INVALID`, not retryable), not a server fault to wait out.
 */
export function conversionRefusal(err: unknown): unknown {
  if (!(err instanceof KubeApiError) || err.status !== 500 || !/(failed|unable) to convert/.test(err.message))
    return err;
  return new KubeApiError({
    code: KubeErrorCode.Invalid,
    kind: KubeErrorKind.Domain,
    request: err.request,
    status: err.status,
    message: err.message,
    cause: err,
  });
}

/**
 * Server-side apply of each object with `dryRun=All` and strict field validation: resolves when
 * the API server accepted every one (nothing stored); rejects with the first refusal as a
 * classified `KubeApiError` (422 `K8S_INVALID`, 403 `K8S_FORBIDDEN`, an unconvertible body `K8S_INVALID`).
 */
export async function dryRunApply(clients: KubeClients, objects: readonly ApplyableObject[]): Promise<void> {
  const options = strictConfiguration(clients);
  for (const object of objects) {
    const request = {
      verb: 'patch' as const,
      resource: resourceOf(object.kind ?? 'unknown'),
      namespace: object.metadata?.namespace,
      name: object.metadata?.name,
      idempotent: true,
    };
    await kubeCall(request, () =>
      clients.objects.patch(
        applyBody(object),
        undefined,
        'All',
        FIELD_MANAGER,
        true,
        k8s.PatchStrategy.ServerSideApply,
        options,
      ),
    ).catch((err: unknown) => {
      throw conversionRefusal(err);
    });
  }
}

/** True when the ServiceAccount exists (a 404 is `false`). */
export async function serviceAccountExists(
  clients: KubeClients,
  input: { namespace: string; name: string },
): Promise<boolean> {
  const found = await kubeCallOr404(
    { verb: 'get', resource: 'serviceaccounts', namespace: input.namespace, name: input.name },
    () => clients.core.readNamespacedServiceAccount(input),
  );
  return found !== undefined;
}
