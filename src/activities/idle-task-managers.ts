/**
 * Which TaskManager pods of a session cluster may go (issue 16; docs/spec.md, "Session mode"): those whose
 * TaskManager holds no slot, as Flink says (`GET /taskmanagers`, matched to the pods by IP), or has not
 * registered. A Deployment lowered by one removes a pod of its ReplicaSet controller's choosing; that controller
 * removes pods of the lowest `controller.kubernetes.io/pod-deletion-cost` first, so every pod gets the slots its
 * TaskManager holds as its cost (idle: 0) before the count is lowered, and the count goes down by no more than
 * the idle pods. The slots are read again after the costs are written: a TaskManager that took a task meanwhile
 * (a job submitted or restarting) keeps the count where it is until the next time.
 */
import { Context } from '@temporalio/activity';
import type { AppRef } from '../contract/app';
import type { FlinkRestClient } from '../flink';
import { Component, selectorLabels } from '../k8s/render';
import type { ActivityDeps } from './deps';

/** The annotation the ReplicaSet controller removes pods by, lowest first (Kubernetes ≥ 1.22). */
export const deletionCostKey = 'controller.kubernetes.io/pod-deletion-cost';

/** Time for the ReplicaSet controller to see the costs before the count changes (its informer's lag). */
const SETTLE_MS = 1000;

/** The address in a TaskManager's RPC path (`pekko.tcp://flink@10.0.0.5:6122/user/rpc/taskmanager_0`). */
export function addressOf(rpcPath: string): string | undefined {
  const match = /@(\[[^\]]+\]|[^:/]+):\d+/.exec(rpcPath);
  return match?.[1]?.replace(/^\[|\]$/g, '');
}

/** Each TaskManager pod of `cluster` and the slots its TaskManager holds (0: idle or not registered). */
async function slotsByPod(
  deps: ActivityDeps,
  flink: FlinkRestClient,
  cluster: AppRef,
  signal?: AbortSignal,
): Promise<{ name: string; used: number }[]> {
  const held = new Map<string, number>();
  for (const tm of await flink.taskManagers(signal ? { signal } : undefined)) {
    const address = addressOf(tm.path);
    if (address) held.set(address, (held.get(address) ?? 0) + tm.slotsNumber - tm.freeSlots);
  }
  const labelSelector = Object.entries(selectorLabels(cluster.name, Component.TaskManager))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const { pods } = await deps.kube.listAppPods({ namespace: cluster.namespace, labelSelector, eventLimit: 0 });
  return pods.map((pod) => ({ name: pod.name, used: pod.podIP ? (held.get(pod.podIP) ?? 0) : 0 }));
}

/**
 * The count the TaskManager Deployment of `cluster` may go down to, from `from` towards `to`: lowered by at most
 * its idle pods, each pod's deletion cost written first. `from` when none may go.
 */
export async function idleTaskManagersGo(
  deps: ActivityDeps,
  flink: FlinkRestClient,
  cluster: AppRef,
  counts: { from: number; to: number },
  signal?: AbortSignal,
): Promise<number> {
  const pods = await slotsByPod(deps, flink, cluster, signal);
  const busy = pods.filter((pod) => pod.used > 0).length;
  const going = Math.min(counts.from - counts.to, counts.from - busy);
  if (going <= 0) return counts.from;
  for (const pod of pods) {
    await deps.kube.annotatePod({
      namespace: cluster.namespace,
      name: pod.name,
      annotations: { [deletionCostKey]: String(pod.used) },
    });
  }
  await Context.current().sleep(SETTLE_MS);
  const idle = new Set(pods.filter((pod) => pod.used === 0).map((pod) => pod.name));
  const now = await slotsByPod(deps, flink, cluster, signal);
  if (now.some((pod) => idle.has(pod.name) && pod.used > 0)) return counts.from;
  return counts.from - going;
}
