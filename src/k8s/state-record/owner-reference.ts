import type { V1OwnerReference } from '@kubernetes/client-node';
import { recordName, type VersionedRecord } from './types';

/**
 * The ownerReference every object of the application carries: the record ConfigMap. Deleting
 * the record makes the garbage collector delete the app's Deployments, Services and ConfigMap.
 */
export function recordOwnerReference(input: { app: string; uid: string }): V1OwnerReference {
  return { apiVersion: 'v1', kind: 'ConfigMap', name: recordName(input.app), uid: input.uid };
}

/** {@link recordOwnerReference} of a record as read. */
export function ownerReferenceOf(versioned: VersionedRecord<unknown>): V1OwnerReference {
  return recordOwnerReference({ app: versioned.record.app, uid: versioned.uid });
}
