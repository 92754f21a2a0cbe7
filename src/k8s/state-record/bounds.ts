/**
 * How big the record may grow (issue 11 item 9). The savepoint history is bounded by a count:
 * disposed entries go first, oldest first; an undisposed savepoint and the running job's restore
 * source are never dropped, so the history may stay above the bound (and `savepointsOverBound`
 * says why). A record whose JSON would not fit in its ConfigMap is refused before it is written.
 */
import type { DeployStateRecord } from './types';

/** Kubernetes refuses a ConfigMap over 1 MiB (data and metadata). */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;
/** Room left for the ConfigMap's metadata (name, labels, managedFields). */
export const RECORD_METADATA_RESERVE_BYTES = 16 * 1024;
/** The largest record JSON we write. */
export const MAX_RECORD_BYTES = CONFIGMAP_LIMIT_BYTES - RECORD_METADATA_RESERVE_BYTES;
/** How many savepoint entries the record keeps by default (setting `record.maxSavepoints`). */
export const DEFAULT_MAX_SAVEPOINT_ENTRIES = 100;

/** The record's savepoints bounded to `max` entries: disposed ones dropped first, oldest first. */
export function withSavepointsBounded<T>(record: DeployStateRecord<T>, max: number): DeployStateRecord<T> {
  const excess = record.savepoints.length - max;
  if (excess <= 0) return record;
  const droppable = new Set(
    record.savepoints
      .filter((s) => s.disposed && s.location !== record.restoredFrom)
      .sort((a, b) => a.time.localeCompare(b.time))
      .slice(0, excess)
      .map((s) => s.location),
  );
  return { ...record, savepoints: record.savepoints.filter((s) => !droppable.has(s.location)) };
}

/** Why the record keeps more than `max` savepoints (none disposable), or undefined. */
export function savepointsOverBound(record: DeployStateRecord<unknown>, max: number): string | undefined {
  const count = record.savepoints.length;
  if (count <= max) return undefined;
  const undisposed = record.savepoints.filter((s) => !s.disposed).length;
  return (
    `the record keeps ${count} savepoints, over the bound of ${max}: ${undisposed} are not disposed yet ` +
    `(never dropped unrecorded), the rest is the running job's restore source`
  );
}

/** Size in bytes of the record's JSON as the ConfigMap stores it. */
export function recordBytes(json: string): number {
  return Buffer.byteLength(json, 'utf8');
}
