/** The state of one container as the agent tracks it, and its Kubernetes form. */
import type * as k8s from '@kubernetes/client-node';

/** Waiting, running or terminated, with the kubelet's reasons. */
export type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: Date }
  | { kind: 'terminated'; exitCode: number; reason: string; message?: string; startedAt: Date; finishedAt: Date };

/** Everything the pod status needs about one container. */
export interface ContainerSnapshot {
  name: string;
  image: string;
  imageId: string;
  containerId?: string;
  state: ContainerState;
  lastState?: ContainerState;
  restartCount: number;
  ready: boolean;
}

/** The Kubernetes form of a container state. */
export function toV1State(state: ContainerState | undefined): k8s.V1ContainerState {
  if (!state) return {};
  switch (state.kind) {
    case 'waiting':
      return { waiting: { reason: state.reason, message: state.message } };
    case 'running':
      return { running: { startedAt: state.startedAt } };
    case 'terminated':
      return {
        terminated: {
          exitCode: state.exitCode,
          reason: state.reason,
          message: state.message,
          startedAt: state.startedAt,
          finishedAt: state.finishedAt,
        },
      };
  }
}

/** The Kubernetes form of a container snapshot. */
export function toV1ContainerStatus(snapshot: ContainerSnapshot): k8s.V1ContainerStatus {
  return {
    name: snapshot.name,
    image: snapshot.image,
    imageID: snapshot.imageId,
    containerID: snapshot.containerId,
    ready: snapshot.ready,
    started: snapshot.state.kind === 'running',
    restartCount: snapshot.restartCount,
    state: toV1State(snapshot.state),
    lastState: toV1State(snapshot.lastState),
  };
}

/** The agent's form of a Kubernetes container state (used when adopting after a restart). */
export function fromV1State(state: k8s.V1ContainerState | undefined): ContainerState | undefined {
  if (state?.running) return { kind: 'running', startedAt: new Date(state.running.startedAt ?? Date.now()) };
  if (state?.terminated) {
    const t = state.terminated;
    return {
      kind: 'terminated',
      exitCode: t.exitCode,
      reason: t.reason ?? 'Error',
      message: t.message,
      startedAt: new Date(t.startedAt ?? Date.now()),
      finishedAt: new Date(t.finishedAt ?? Date.now()),
    };
  }
  if (state?.waiting)
    return { kind: 'waiting', reason: state.waiting.reason ?? 'ContainerCreating', message: state.waiting.message };
  return undefined;
}
