/**
 * Helpers for the node-agent tests: API clients of the local cluster, a namespace per test,
 * polling, pod queries, and the processes of a pod (found by the env marker the agent gives
 * every container process).
 */
import * as k8s from '@kubernetes/client-node';
import { findPodProcesses } from '../../../src/local/node-agent/proc';
import { stack } from '../../support/stack';
import { eventually as pollEventually } from '../../support/eventually';

const config = new k8s.KubeConfig();
config.loadFromFile(stack.kubeconfig);

/** API clients of the local cluster. */
export const kube = {
  core: config.makeApiClient(k8s.CoreV1Api),
  apps: config.makeApiClient(k8s.AppsV1Api),
};

/** Polls `probe` until it returns a value; fails naming `what` after `timeoutMs`. */
export function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  return pollEventually(what, probe, { timeoutMs, intervalMs: 500 });
}

/** Creates a fresh namespace named after `prefix`. */
export async function createNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${Date.now().toString(36)}`;
  await kube.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

/** Deletes the namespace's Deployments and pods (waiting until their processes are gone), then the namespace. */
export async function deleteNamespace(namespace: string): Promise<void> {
  const pods = await kube.core.listNamespacedPod({ namespace });
  await kube.apps.deleteCollectionNamespacedDeployment({ namespace }).catch(() => undefined);
  await kube.core.deleteCollectionNamespacedPod({ namespace, gracePeriodSeconds: 5 }).catch(() => undefined);
  const uids = pods.items.map((p) => p.metadata?.uid ?? '');
  await eventually(
    'the namespace pods to be gone',
    async () => {
      const left = await kube.core.listNamespacedPod({ namespace });
      return left.items.length === 0 && uids.every((uid) => findPodProcesses(uid).length === 0) ? true : undefined;
    },
    60_000,
  ).catch(() => undefined);
  await kube.core.deleteNamespace({ name: namespace }).catch(() => undefined);
}

/** Pods of `namespace` matching `labelSelector`. */
export async function listPods(namespace: string, labelSelector: string): Promise<k8s.V1Pod[]> {
  return (await kube.core.listNamespacedPod({ namespace, labelSelector })).items;
}

/** The one pod matching `labelSelector` once it satisfies `ok`. */
export async function podWhere(input: {
  namespace: string;
  labelSelector: string;
  what: string;
  ok: (pod: k8s.V1Pod) => boolean;
  timeoutMs?: number;
}): Promise<k8s.V1Pod> {
  return eventually(
    input.what,
    async () => {
      const pods = await listPods(input.namespace, input.labelSelector);
      return pods.length === 1 && input.ok(pods[0] as k8s.V1Pod) ? pods[0] : undefined;
    },
    input.timeoutMs,
  );
}

/** True when the pod's Ready condition is True. */
export function isReady(pod: k8s.V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Live processes that belong to pod `uid`. */
export function podProcesses(uid: string): number[] {
  return findPodProcesses(uid).map((p) => p.pid);
}

/** Events about pod `name`. */
export async function podEvents(namespace: string, name: string): Promise<k8s.CoreV1Event[]> {
  const list = await kube.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

/** GET a JSON document from Flink REST on a pod IP. */
export async function flinkGet<T>(input: { podIp: string; path: string }): Promise<T> {
  const response = await fetch(`http://${input.podIp}:8081${input.path}`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`GET ${input.path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}
