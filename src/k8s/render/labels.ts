/** Labels and annotations on everything flink-deploy renders. */
import type { V1OwnerReference } from '@kubernetes/client-node';

/** Label keys. */
export const LabelKey = {
  Name: 'app.kubernetes.io/name',
  Instance: 'app.kubernetes.io/instance',
  Component: 'app.kubernetes.io/component',
  ManagedBy: 'app.kubernetes.io/managed-by',
  /** Blue/green applications only: the deploy generation of the object (src/k8s/render/generation.ts). */
  Generation: 'flink-deploy.io/generation',
} as const;

/** Annotation keys. */
export const AnnotationKey = {
  SpecHash: 'flink-deploy.io/spec-hash',
  Generation: 'flink-deploy.io/generation',
  JobId: 'flink-deploy.io/job-id',
  /** On pod templates: hash of the Flink configuration the pods read, so a change rolls them. */
  ConfigHash: 'flink-deploy.io/config-hash',
  /**
   * On a session job's `<job>-rest` Service: the name (by content) of the jar on its session cluster the job
   * is submitted from, written before the submission; a jar no session job's Service names is removed.
   */
  Jar: 'flink-deploy.io/jar',
  /**
   * On a session job's `<job>-rest` Service: the slots the job asks of its session cluster (its parallelism),
   * written before its submission and `0` once it stopped; a cluster with TaskManagers on demand runs as many as
   * its jobs' slots need.
   */
  Slots: 'flink-deploy.io/slots',
} as const;

/** `app.kubernetes.io/managed-by` value. */
export const managedBy = 'flink-deploy';

/**
 * The labels that select the pods of one component of `app` (Deployment selectors and
 * Services use exactly these; they never change for the life of the application).
 */
export function selectorLabels(app: string, component: string): Record<string, string> {
  return { [LabelKey.Instance]: app, [LabelKey.Component]: component, [LabelKey.ManagedBy]: managedBy };
}

/** All labels of an object: the user's `metadata.labels`, then ours (ours win). */
export function objectLabels(input: {
  app: string;
  component: string;
  userLabels: Record<string, string>;
}): Record<string, string> {
  return { ...input.userLabels, [LabelKey.Name]: 'flink', ...selectorLabels(input.app, input.component) };
}

/** The owner reference of every rendered object (deleting the owner deletes them). */
export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

/** `metadata.ownerReferences` for `owner`, or nothing. */
export function ownerReferences(owner: OwnerRef | undefined): { ownerReferences?: V1OwnerReference[] } {
  if (!owner) return {};
  return {
    ownerReferences: [
      {
        apiVersion: owner.apiVersion,
        kind: owner.kind,
        name: owner.name,
        uid: owner.uid,
        controller: true,
        blockOwnerDeletion: false,
      },
    ],
  };
}
