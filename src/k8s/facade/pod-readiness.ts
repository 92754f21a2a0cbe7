/**
 * Why a pod is not ready, in structured form (pure: works on a V1Pod as read from the API).
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { AnnotationKey } from '../render/labels';

/** Kinds of reasons a pod is not ready. */
export const PodProblemKind = {
  /** ErrImagePull, ImagePullBackOff, InvalidImageName, ErrImageNeverPull. */
  ImagePull: 'image-pull',
  /** CrashLoopBackOff: the container keeps exiting; see `exitCode` of its last run. */
  CrashLoop: 'crash-loop',
  /** The scheduler found no node (PodScheduled=False, Unschedulable). */
  Unschedulable: 'unschedulable',
  /** No node yet and no scheduling verdict either. */
  NotScheduled: 'not-scheduled',
  /** A container waits for another reason (ContainerCreating, CreateContainerConfigError...). */
  ContainerWaiting: 'container-waiting',
  /** A container has terminated (and the pod is not restarting it yet). */
  ContainerTerminated: 'container-terminated',
  /** A container runs but its readiness probe fails. */
  ContainerNotReady: 'container-not-ready',
  /** The whole pod failed (phase Failed, e.g. Evicted). */
  PodFailed: 'pod-failed',
  /** The pod is being deleted. */
  Terminating: 'terminating',
  /** On a node, but no container has started yet. */
  Starting: 'starting',
  /** Not ready for a reason none of the above names (the Ready condition's reason). */
  NotReady: 'not-ready',
} as const;
export type PodProblemKind = (typeof PodProblemKind)[keyof typeof PodProblemKind];

/** One reason a pod is not ready. */
export interface PodProblem {
  kind: PodProblemKind;
  /** Container name (init containers prefixed `init:`), when the problem is a container's. */
  container?: string;
  /** Kubernetes' reason string, e.g. `ImagePullBackOff`, `OOMKilled`, `Unschedulable`. */
  reason: string;
  message?: string;
  /** Exit code of the container's current (terminated) or last run. */
  exitCode?: number;
  restartCount?: number;
}

/** One container's state. */
export interface ContainerReadiness {
  name: string;
  ready: boolean;
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  restartCount: number;
  reason?: string;
  /** Exit code and reason of the previous run, if it was restarted. */
  lastTermination?: { exitCode: number; reason?: string; finishedAt?: string };
}

/** One pod, and why it is not ready. */
export interface PodReadiness {
  name: string;
  phase: string;
  ready: boolean;
  nodeName?: string;
  podIP?: string;
  /** The deploy generation the pod belongs to (its `flink-deploy.io/generation` annotation), if any. */
  generation?: number;
  /**
   * Sum of the containers' restart counts, init containers' included (since this pod started: each generation has
   * new pods). An init container that keeps failing (a jar it cannot fetch) is restarted by the kubelet without end:
   * it is a crash loop of the pod like any other.
   */
  restartCount: number;
  containers: ContainerReadiness[];
  /** Empty when ready. */
  problems: PodProblem[];
  /** One line in words, e.g. "CrashLoopBackOff in flink-main-container (last exit code 1, 4 restarts)". */
  summary: string;
}

const imagePullReasons = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
  'SignatureValidationFailed',
]);

function lastTermination(status: V1ContainerStatus): ContainerReadiness['lastTermination'] {
  const t = status.lastState?.terminated;
  if (!t) return undefined;
  return {
    exitCode: t.exitCode,
    reason: t.reason,
    finishedAt: t.finishedAt ? new Date(t.finishedAt).toISOString() : undefined,
  };
}

function containerReadiness(status: V1ContainerStatus, prefix: string): ContainerReadiness {
  const { running, waiting, terminated } = status.state ?? {};
  const state = running ? 'running' : waiting ? 'waiting' : terminated ? 'terminated' : 'unknown';
  return {
    name: `${prefix}${status.name}`,
    ready: status.ready,
    state,
    restartCount: status.restartCount,
    reason: waiting?.reason ?? terminated?.reason,
    lastTermination: lastTermination(status),
  };
}

function containerProblem(status: V1ContainerStatus, name: string, initContainer: boolean): PodProblem | undefined {
  const { running, waiting, terminated } = status.state ?? {};
  const restartCount = status.restartCount;
  if (waiting) {
    const reason = waiting.reason ?? 'Waiting';
    if (imagePullReasons.has(reason))
      return { kind: PodProblemKind.ImagePull, container: name, reason, message: waiting.message, restartCount };
    if (reason === 'CrashLoopBackOff') {
      return {
        kind: PodProblemKind.CrashLoop,
        container: name,
        reason,
        message: waiting.message,
        exitCode: status.lastState?.terminated?.exitCode,
        restartCount,
      };
    }
    return { kind: PodProblemKind.ContainerWaiting, container: name, reason, message: waiting.message, restartCount };
  }
  if (terminated) {
    // A finished init container is the normal path.
    if (initContainer && terminated.exitCode === 0) return undefined;
    return {
      kind: PodProblemKind.ContainerTerminated,
      container: name,
      reason: terminated.reason ?? 'Terminated',
      message: terminated.message,
      exitCode: terminated.exitCode,
      restartCount,
    };
  }
  if (running && !status.ready && !initContainer) {
    return {
      kind: PodProblemKind.ContainerNotReady,
      container: name,
      reason: 'NotReady',
      message: 'running, readiness probe not passing yet',
      restartCount,
    };
  }
  return undefined;
}

function podLevelProblems(pod: V1Pod): PodProblem[] {
  const status = pod.status ?? {};
  const problems: PodProblem[] = [];
  if (pod.metadata?.deletionTimestamp) {
    problems.push({ kind: PodProblemKind.Terminating, reason: 'Terminating', message: 'the pod is being deleted' });
  }
  if (status.phase === 'Failed') {
    problems.push({ kind: PodProblemKind.PodFailed, reason: status.reason ?? 'Failed', message: status.message });
  }
  if (!pod.spec?.nodeName) {
    const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False') {
      problems.push({
        kind: PodProblemKind.Unschedulable,
        reason: scheduled.reason ?? 'Unschedulable',
        message: scheduled.message,
      });
    } else if (status.phase !== 'Failed' && status.phase !== 'Succeeded') {
      problems.push({
        kind: PodProblemKind.NotScheduled,
        reason: 'NotScheduled',
        message: 'no node has been assigned yet',
      });
    }
  }
  return problems;
}

/** When nothing more precise is known: starting on its node, or the Ready condition's own words. */
function fallbackProblem(pod: V1Pod): PodProblem {
  const status = pod.status ?? {};
  if (pod.spec?.nodeName && (status.containerStatuses ?? []).length === 0 && status.phase === 'Pending') {
    return {
      kind: PodProblemKind.Starting,
      reason: 'Starting',
      message: `scheduled to ${pod.spec.nodeName}, containers not started yet`,
    };
  }
  const readyCondition = status.conditions?.find((c) => c.type === 'Ready');
  return {
    kind: PodProblemKind.NotReady,
    reason: readyCondition?.reason ?? 'NotReady',
    message: readyCondition?.message ?? `phase ${status.phase ?? 'Unknown'}`,
  };
}

function describeProblem(p: PodProblem): string {
  const where = p.container ? ` in ${p.container}` : '';
  const details: string[] = [];
  if (p.exitCode !== undefined)
    details.push(p.kind === PodProblemKind.CrashLoop ? `last exit code ${p.exitCode}` : `exit code ${p.exitCode}`);
  if (p.restartCount) details.push(`${p.restartCount} restart${p.restartCount === 1 ? '' : 's'}`);
  if (p.message && details.length === 0) details.push(p.message);
  return `${p.reason}${where}${details.length ? ` (${details.join(', ')})` : ''}`;
}

/** The pod's deploy generation, from its annotation; undefined when absent or not a number. */
export function generationOf(pod: V1Pod): number | undefined {
  const value = pod.metadata?.annotations?.[AnnotationKey.Generation];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** Whether a pod is ready, and if not, every reason why. */
export function explainPod(pod: V1Pod): PodReadiness {
  const status = pod.status ?? {};
  const initStatuses = status.initContainerStatuses ?? [];
  const mainStatuses = status.containerStatuses ?? [];
  const containers = [
    ...initStatuses.map((s) => containerReadiness(s, 'init:')),
    ...mainStatuses.map((s) => containerReadiness(s, '')),
  ];
  const ready = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const problems: PodProblem[] = [...podLevelProblems(pod)];
  if (!ready) {
    for (const s of initStatuses) {
      const p = containerProblem(s, `init:${s.name}`, true);
      if (p) problems.push(p);
    }
    for (const s of mainStatuses) {
      const p = containerProblem(s, s.name, false);
      if (p) problems.push(p);
    }
    if (problems.length === 0) problems.push(fallbackProblem(pod));
  }
  const phase = status.phase ?? 'Unknown';
  const summary = ready ? 'ready' : problems.map(describeProblem).join('; ');
  return {
    name: pod.metadata?.name ?? '',
    phase,
    ready,
    nodeName: pod.spec?.nodeName,
    podIP: status.podIP,
    generation: generationOf(pod),
    restartCount: [...initStatuses, ...mainStatuses].reduce((sum, s) => sum + s.restartCount, 0),
    containers,
    problems,
    summary,
  };
}
