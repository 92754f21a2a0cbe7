/**
 * Inputs and typed results of the Kubernetes facade. Small result objects, not booleans:
 * each says what was found so activities can report it in words.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

/** The field manager of every server-side apply we do. */
export const FIELD_MANAGER = 'flink-deploy';

/** Identifies one object. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
}

/** Result of applying one object. */
export interface AppliedObject {
  ref: ObjectRef & { uid: string };
  resourceVersion: string;
  /** `metadata.generation` after the apply (Deployments: compare with observedGeneration). */
  generation: number | undefined;
  /** `created` (did not exist), `changed` (new resourceVersion), `unchanged` (apply was a no-op). */
  outcome: 'created' | 'changed' | 'unchanged';
}

/** How a delete cascades to dependents (ReplicaSets and Pods of a Deployment). */
export const PropagationPolicy = {
  /** The object goes away only after its dependents are gone. */
  Foreground: 'Foreground',
  /** The object goes away now; the garbage collector deletes dependents after. */
  Background: 'Background',
  Orphan: 'Orphan',
} as const;
export type PropagationPolicy = (typeof PropagationPolicy)[keyof typeof PropagationPolicy];

/** Input of `deleteObject`. */
export interface DeleteObjectInput {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  /** @default 'Background' */
  propagationPolicy?: PropagationPolicy;
}

/** Result of a delete: `deleted` (we asked, it is going), or `absent` (404: it was already gone). */
export interface DeleteResult {
  ref: ObjectRef;
  outcome: 'deleted' | 'absent';
}

/** Input of `waitForPodsGone`. */
export interface WaitForPodsGoneInput {
  namespace: string;
  /** Label selector of the pods, e.g. `app.kubernetes.io/instance=my-app,app.kubernetes.io/component=jobmanager`. */
  labelSelector: string;
  /** Give up after this long. */
  timeoutMs: number;
  /** @default 500 */
  pollIntervalMs?: number;
  /** Cancels the wait (Temporal activity cancellation). */
  signal?: AbortSignal;
  /** Called after each poll with the pods still there (heartbeat from here). */
  onPoll?: (remaining: string[]) => void;
}

/** Result of `waitForPodsGone`. */
export type WaitForPodsGoneResult =
  { gone: true; waitedMs: number } | { gone: false; waitedMs: number; remaining: string[] };

/** One Deployment condition (Available, Progressing, ReplicaFailure). */
export interface DeploymentConditionSummary {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** What a Deployment's status says. */
export type DeploymentStatusResult =
  | { found: false; namespace: string; name: string }
  | {
      found: true;
      namespace: string;
      name: string;
      uid: string;
      /** `metadata.generation`: bumped by each spec change. */
      generation: number;
      /** The generation the controller has acted on; `< generation` means "not seen yet". */
      observedGeneration: number;
      /** `spec.replicas`. */
      desiredReplicas: number;
      /** Pods of all ReplicaSets (old and new). */
      replicas: number;
      updatedReplicas: number;
      readyReplicas: number;
      availableReplicas: number;
      unavailableReplicas: number;
      /** The controller saw the latest spec and every desired pod is updated and ready, no old ones left. */
      rolledOut: boolean;
      /** Progressing=False with reason ProgressDeadlineExceeded. */
      progressDeadlineExceeded: boolean;
      conditions: DeploymentConditionSummary[];
    };

/** One Event, as we report it. */
export interface EventSummary {
  /** Kind/name of the object it is about. */
  involvedObject: { kind: string; name: string };
  type: string;
  reason: string;
  message: string;
  count: number;
  /** ISO time of the last occurrence. */
  lastSeen: string | undefined;
}

/** Input of `recordEvent`. */
export interface RecordEventInput {
  /** The object the Event is about (one of ours: the record ConfigMap, a Deployment). */
  involved: ObjectRef;
  /** CamelCase reason, e.g. `UpgradeStarted`, `SavepointCompleted`. */
  reason: string;
  message: string;
  /** @default 'Normal' */
  type?: 'Normal' | 'Warning';
  /** Who reports it, e.g. the worker's identity. @default 'flink-deploy' */
  reportingInstance?: string;
}

/** Result of `recordEvent`. */
export interface RecordedEvent {
  name: string;
  namespace: string;
}

/** One ready address of a Service, from its EndpointSlices. */
export interface EndpointAddress {
  ip: string;
  /** Ports by name (unnamed ports under `''`). */
  ports: Array<{ name: string; port: number; protocol: string }>;
  /** Pod behind the address, if the slice says. */
  podName?: string;
}

/**
 * An object to apply: a typed client-node object (`V1Deployment`...) or a plain rendered one.
 * `apiVersion`, `kind`, `metadata.name` and `metadata.namespace` must be set (checked at run
 * time: `K8S_INVALID` otherwise).
 */
export type ApplyableObject = KubernetesObject;
