import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClients } from '../config/clients';
import { kubeCall, kubeCallOr404 } from '../errors/classify';
import { resourceOf } from './resource-names';
import {
  PropagationPolicy,
  type DeleteObjectInput,
  type DeleteResult,
  type WaitForPodsGoneInput,
  type WaitForPodsGoneResult,
} from './types';

/**
 * Ask the API server to delete one object. Resolves when the delete is accepted, not when the
 * object (or its pods) are gone: use {@link waitForPodsGone} for that. A 404 resolves to
 * `outcome: 'absent'`, so retries are safe.
 */
export async function deleteObject(clients: KubeClients, input: DeleteObjectInput): Promise<DeleteResult> {
  const { apiVersion, kind, namespace, name } = input;
  const propagationPolicy = input.propagationPolicy ?? PropagationPolicy.Background;
  const status = await kubeCallOr404(
    { verb: 'delete', resource: resourceOf(kind), namespace, name, idempotent: true },
    () =>
      clients.objects.delete(
        { apiVersion, kind, metadata: { name, namespace } },
        undefined,
        undefined,
        undefined,
        undefined,
        propagationPolicy,
      ),
  );
  return { ref: { apiVersion, kind, namespace, name }, outcome: status === undefined ? 'absent' : 'deleted' };
}

/** Names of the pods matching a selector, terminating ones included. */
export async function listPodNames(
  clients: KubeClients,
  input: { namespace: string; labelSelector: string },
): Promise<string[]> {
  const list = await kubeCall({ verb: 'list', resource: 'pods', namespace: input.namespace }, () =>
    clients.core.listNamespacedPod({ namespace: input.namespace, labelSelector: input.labelSelector }),
  );
  return list.items.map((p) => p.metadata?.name ?? '').sort();
}

/**
 * Poll until no pod matches the selector (the previous JobManager/TaskManagers stopped), or
 * the timeout passes. Resolves `{ gone: false, remaining }` on timeout rather than throwing;
 * rejects with `K8S_ABORTED`-style AbortError when `signal` fires.
 */
export async function waitForPodsGone(
  clients: KubeClients,
  input: WaitForPodsGoneInput,
): Promise<WaitForPodsGoneResult> {
  const started = Date.now();
  const interval = input.pollIntervalMs ?? 500;
  for (;;) {
    input.signal?.throwIfAborted();
    const remaining = await listPodNames(clients, input);
    const waitedMs = Date.now() - started;
    input.onPoll?.(remaining);
    if (remaining.length === 0) return { gone: true, waitedMs };
    if (waitedMs >= input.timeoutMs) return { gone: false, waitedMs, remaining };
    await sleep(Math.min(interval, Math.max(0, input.timeoutMs - waitedMs)), undefined, { signal: input.signal });
  }
}
