/**
 * Which savepoints retention disposes (docs/workflows.md, "savepoint, manual and periodic"):
 * beyond the newest `keep`, or older than `maxAgeSeconds`; never one that is protected (the one
 * the running job was restored from, the one just taken); pending disposals that failed before are planned again. Pure.
 */
import type { SavepointEntry } from '../../contract/savepoints';
import type { RetentionPolicy } from '../../contract/savepoints';

export interface RetentionInput {
  savepoints: SavepointEntry[];
  policy: RetentionPolicy;
  now: number;
  protectedLocations: string[];
}

export function planRetention({ savepoints, policy, now, protectedLocations }: RetentionInput): string[] {
  const live = savepoints.filter((s) => !s.disposed && s.kind !== 'checkpoint');
  const newestFirst = [...live].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  const plan = new Set<string>();
  newestFirst.forEach((s, index) => {
    const tooMany = index >= policy.keep;
    const tooOld = policy.maxAgeSeconds !== undefined && now - Date.parse(s.time) > policy.maxAgeSeconds * 1000;
    if (s.disposalPending || tooMany || tooOld) plan.add(s.location);
  });
  for (const p of protectedLocations) plan.delete(p);
  return newestFirst
    .map((s) => s.location)
    .filter((l) => plan.has(l))
    .reverse();
}
