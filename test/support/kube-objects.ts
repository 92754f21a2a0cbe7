/** Pods as the kubelet reports them, for the in-memory Kubernetes (test/support/in-memory-kube.ts). */
import type { V1Pod } from '@kubernetes/client-node';
import { LabelKey, managedBy } from '../../src/k8s/render/labels';

export interface PodInit {
  app: string;
  namespace?: string;
  /** `jobmanager` or `taskmanager`. */
  component: string;
  name: string;
  ip?: string;
  /** @default true */
  ready?: boolean;
  /** The main container waits for this reason (ImagePullBackOff, CrashLoopBackOff...). */
  waiting?: { reason: string; message?: string };
  restartCount?: number;
  /** uid of the owning Deployment: deleting it deletes the pod (garbage collector). */
  ownerUid?: string;
}

/** A pod of the application, running and ready unless `waiting` or `ready: false` says otherwise. */
export function podOf(init: PodInit): V1Pod {
  const ready = init.ready ?? !init.waiting;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: init.name,
      namespace: init.namespace ?? 'default',
      labels: { [LabelKey.Instance]: init.app, [LabelKey.ManagedBy]: managedBy, [LabelKey.Component]: init.component },
      ...(init.ownerUid
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: init.app, uid: init.ownerUid }] }
        : {}),
    },
    spec: {
      nodeName: 'node-1',
      containers: [{ name: 'flink-main-container', ports: [{ name: 'rest', containerPort: 8081 }] }],
    },
    status: {
      phase: 'Running',
      podIP: init.ip,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: 'flink-main-container',
          image: 'flink',
          imageID: '',
          ready,
          restartCount: init.restartCount ?? 0,
          state: init.waiting
            ? { waiting: { reason: init.waiting.reason, message: init.waiting.message } }
            : { running: { startedAt: new Date() } },
          ...(init.restartCount
            ? { lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: new Date() } } }
            : {}),
        },
      ],
    },
  };
}
