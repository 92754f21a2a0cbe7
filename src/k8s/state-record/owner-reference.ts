import type { V1OwnerReference } from '@kubernetes/client-node';
import { recordName, type VersionedRecord } from './types';

/**
 * The ownerReference every object of the application carries: its record ConfigMap, as read.
 * Deleting the record makes the garbage collector delete the app's Deployments, Services and
 * ConfigMap. No record (not written yet): no owner.
 */
export function ownerReferenceOf(versioned: VersionedRecord<unknown>): V1OwnerReference;
export function ownerReferenceOf(versioned: VersionedRecord<unknown> | undefined): V1OwnerReference | undefined;
export function ownerReferenceOf(versioned: VersionedRecord<unknown> | undefined): V1OwnerReference | undefined {
  if (!versioned) return undefined;
  return { apiVersion: 'v1', kind: 'ConfigMap', name: recordName(versioned.record.app), uid: versioned.uid };
}
