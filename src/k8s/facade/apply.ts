import * as k8s from '@kubernetes/client-node';
import type { KubeClients } from '../config/clients';
import { KubeErrorCode, KubeErrorKind } from '../errors/codes';
import { kubeCall, kubeCallOr404 } from '../errors/classify';
import { KubeApiError } from '../errors/kube-api-error';
import { conversionRefusal } from './dry-run';
import { resourceOf } from './resource-names';
import { FIELD_MANAGER, type AppliedObject, type ApplyableObject } from './types';

/** Server-owned metadata that must not be sent in an apply body. */
const serverOwnedMetadata = [
  'managedFields',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
] as const;

/** The object as an apply body: no status, no server-owned metadata. */
export function applyBody(object: ApplyableObject): ApplyableObject {
  const { status: _status, ...rest } = object as ApplyableObject & { status?: unknown };
  const metadata: Record<string, unknown> = { ...(object.metadata ?? {}) };
  for (const key of serverOwnedMetadata) delete metadata[key];
  return { ...rest, metadata } as ApplyableObject;
}

/** The identity of an object to apply; throws `K8S_INVALID` when a part is missing. */
function identityOf(object: ApplyableObject): { apiVersion: string; kind: string; name: string; namespace: string } {
  const { apiVersion, kind } = object;
  const name = object.metadata?.name;
  const namespace = object.metadata?.namespace;
  if (!apiVersion || !kind || !name || !namespace) {
    throw new KubeApiError({
      code: KubeErrorCode.Invalid,
      kind: KubeErrorKind.Domain,
      request: { verb: 'patch', resource: kind ? resourceOf(kind) : 'unknown', namespace, name },
      message:
        `cannot apply an object without apiVersion, kind, metadata.name and metadata.namespace (got ` +
        `${apiVersion ?? '?'} ${kind ?? '?'} ${namespace ?? '?'}/${name ?? '?'})`,
    });
  }
  return { apiVersion, kind, name, namespace };
}

/**
 * Server-side apply of one object with field manager `flink-deploy`, forcing ownership of
 * conflicting fields. Resolves once the API server has stored the object (not when pods run).
 * Idempotent: applying the same object again is a no-op (`outcome: 'unchanged'`).
 */
export async function applyObject(clients: KubeClients, object: ApplyableObject): Promise<AppliedObject> {
  const { apiVersion, kind, name, namespace } = identityOf(object);
  const request = { resource: resourceOf(kind), namespace, name };
  const before = await kubeCallOr404({ verb: 'get', ...request }, () =>
    clients.objects.read<k8s.KubernetesObject>({ apiVersion, kind, metadata: { name, namespace } }),
  );
  const after = await kubeCall({ verb: 'patch', ...request, idempotent: true }, () =>
    clients.objects.patch(
      applyBody(object),
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      k8s.PatchStrategy.ServerSideApply,
    ),
  ).catch((err: unknown) => {
    throw conversionRefusal(err);
  });
  const resourceVersion = after.metadata?.resourceVersion ?? '';
  const outcome =
    before === undefined ? 'created' : before.metadata?.resourceVersion === resourceVersion ? 'unchanged' : 'changed';
  return {
    ref: { apiVersion, kind, namespace, name, uid: after.metadata?.uid ?? '' },
    resourceVersion,
    generation: after.metadata?.generation,
    outcome,
  };
}
