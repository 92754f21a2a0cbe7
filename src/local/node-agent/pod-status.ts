/**
 * The pod status a kubelet would report, from the containers' snapshots: phase, conditions
 * (Initialized once every init container completed; Ready only when every container is ready),
 * init container and container statuses, pod and host IPs.
 */
import type * as k8s from '@kubernetes/client-node';
import { toV1ContainerStatus, type ContainerSnapshot } from './container-state';
import { NODE_IP } from './node-registration';

/** Pod phases. */
export const PodPhase = { Pending: 'Pending', Running: 'Running', Succeeded: 'Succeeded', Failed: 'Failed' } as const;
export type PodPhase = (typeof PodPhase)[keyof typeof PodPhase];

/** Where a pod's init containers are: still running (its containers wait), done, or failed for good. */
export const Initialization = { Running: 'Running', Done: 'Done', Failed: 'Failed' } as const;
export type Initialization = (typeof Initialization)[keyof typeof Initialization];

/** The phase of a pod from its init containers, containers and restart policy. */
export function podPhase(input: {
  containers: readonly ContainerSnapshot[];
  restartPolicy: string | undefined;
  initialization?: Initialization;
}): PodPhase {
  if (input.initialization === Initialization.Failed) return PodPhase.Failed;
  if (input.initialization === Initialization.Running) return PodPhase.Pending;
  const states = input.containers.map((c) => c.state);
  if (states.length === 0) return PodPhase.Pending;
  const everStarted = input.containers.every(
    (c) => c.state.kind !== 'waiting' || c.restartCount > 0 || c.lastState !== undefined,
  );
  if (states.some((s) => s.kind === 'running')) return PodPhase.Running;
  if (!everStarted) return PodPhase.Pending;
  const policy = input.restartPolicy ?? 'Always';
  if (states.every((s) => s.kind === 'terminated')) {
    const allSucceeded = states.every((s) => s.kind === 'terminated' && s.exitCode === 0);
    if (policy === 'Always') return PodPhase.Running;
    if (allSucceeded) return PodPhase.Succeeded;
    return policy === 'Never' ? PodPhase.Failed : PodPhase.Running;
  }
  // Some container waits to restart (CrashLoopBackOff) after it ran: the pod runs.
  return PodPhase.Running;
}

/** Keeps lastTransitionTime of conditions whose status did not change. */
export type ConditionMemory = Map<string, { status: string; since: Date }>;

/** The status fields the node owns, ready to patch. */
export function podStatus(input: {
  initContainers?: readonly ContainerSnapshot[];
  initialization?: Initialization;
  containers: readonly ContainerSnapshot[];
  restartPolicy: string | undefined;
  podIp: string;
  startTime: Date;
  conditions: ConditionMemory;
}): k8s.V1PodStatus {
  const phase = podPhase(input);
  const allReady = input.containers.length > 0 && input.containers.every((c) => c.ready) && phase === PodPhase.Running;
  const notReady = input.containers.filter((c) => !c.ready).map((c) => c.name);
  const condition = (type: string, ok: boolean, reason?: string, message?: string): k8s.V1PodCondition => {
    const status = ok ? 'True' : 'False';
    const remembered = input.conditions.get(type);
    const since = remembered && remembered.status === status ? remembered.since : new Date();
    input.conditions.set(type, { status, since });
    return {
      type,
      status,
      lastTransitionTime: since,
      reason: ok ? undefined : reason,
      message: ok ? undefined : message,
    };
  };
  const unreadyMessage = `containers with unready status: [${notReady.join(' ')}]`;
  const initContainers = input.initContainers ?? [];
  const initialized = (input.initialization ?? Initialization.Done) === Initialization.Done;
  const incomplete = initContainers.filter((c) => !c.ready).map((c) => c.name);
  // Containers wait for the init containers (the kubelet's PodInitializing).
  const containers = initialized
    ? input.containers
    : input.containers.map((c) => ({ ...c, state: { kind: 'waiting' as const, reason: 'PodInitializing' } }));
  return {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', true),
      condition(
        'Initialized',
        initialized,
        'ContainersNotInitialized',
        `containers with incomplete status: [${incomplete.join(' ')}]`,
      ),
      condition('ContainersReady', allReady, 'ContainersNotReady', unreadyMessage),
      condition('Ready', allReady, 'ContainersNotReady', unreadyMessage),
    ],
    hostIP: NODE_IP,
    hostIPs: [{ ip: NODE_IP }],
    podIP: input.podIp,
    podIPs: [{ ip: input.podIp }],
    startTime: input.startTime,
    ...(initContainers.length > 0 ? { initContainerStatuses: initContainers.map(toV1ContainerStatus) } : {}),
    containerStatuses: containers.map(toV1ContainerStatus),
  };
}

/**
 * What in the API's copy of a pod's status differs from what this node reports (empty: nothing). The node
 * lifecycle controller marks every pod of a node it saw NotReady `Ready: False` (after an API server outage
 * the node's lease is late); a kubelet's status manager finds such a difference on its next sync and writes
 * its own status again, so a pod whose containers never stopped being ready is Ready again in seconds.
 */
export function statusDrift(api: k8s.V1PodStatus | undefined, ours: k8s.V1PodStatus): string[] {
  const drift: string[] = [];
  if (api?.phase !== ours.phase) drift.push(`phase ${api?.phase ?? '-'} (ours ${ours.phase})`);
  if (api?.podIP !== ours.podIP) drift.push(`podIP ${api?.podIP ?? '-'} (ours ${ours.podIP})`);
  for (const mine of ours.conditions ?? []) {
    const theirs = api?.conditions?.find((c) => c.type === mine.type);
    if (theirs?.status !== mine.status) drift.push(`${mine.type} ${theirs?.status ?? '-'} (ours ${mine.status})`);
  }
  return drift;
}
