/**
 * Pod template merging, the way the Apache operator does it with
 * `kubernetes.operator.pod-template.merge-arrays-by-name`: mappings merge key by key, lists of
 * named items (containers, volumes, env, ports, volumeMounts by `name`/`mountPath`) merge item
 * by item, other lists and scalars are replaced by the overlay.
 */
import { isRecord } from './yaml-documents';

/** The name of the Flink container in every pod; templates address it by this name. */
export const mainContainerName = 'flink-main-container';

function itemKey(item: unknown): string | undefined {
  if (!isRecord(item)) return undefined;
  if (typeof item.name === 'string') return `name:${item.name}`;
  if (typeof item.mountPath === 'string') return `mountPath:${item.mountPath}`;
  return undefined;
}

function mergeLists(base: unknown[], overlay: unknown[]): unknown[] {
  const keyed = [...base, ...overlay].every((item) => itemKey(item) !== undefined);
  if (!keyed) return overlay;
  const out = [...base];
  for (const item of overlay) {
    const index = out.findIndex((existing) => itemKey(existing) === itemKey(item));
    if (index === -1) out.push(item);
    else out[index] = mergeValues(out[index], item);
  }
  return out;
}

/** Merges `overlay` into `base` (neither is modified); the overlay wins on conflicts. */
export function mergeValues(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return base;
  if (isRecord(base) && isRecord(overlay)) {
    // Own keys only, set as data: a key named like an object's own (`__proto__`) is an ordinary key.
    const out = new Map(Object.entries(base));
    for (const [key, value] of Object.entries(overlay)) out.set(key, mergeValues(out.get(key), value));
    return Object.fromEntries(out);
  }
  if (Array.isArray(base) && Array.isArray(overlay)) return mergeLists(base, overlay);
  return overlay;
}

/** Merges two pod templates (either may be absent). */
export function mergePodTemplates(
  base: Record<string, unknown> | undefined,
  overlay: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!base) return overlay;
  if (!overlay) return base;
  return mergeValues(base, overlay) as Record<string, unknown>;
}
