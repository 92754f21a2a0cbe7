/**
 * Which savepoints retention disposes (docs/workflows.md, "savepoint, manual and periodic"):
 * beyond the newest `keep`, or older than `maxAgeSeconds`; never one that is protected (the one
 * the running job was restored from, the one just taken), nor a final or registered one; pending
 * disposals that failed before are planned again. Pure.
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
  // A deleted application's final savepoint and a registered one (not taken by flink-deploy) are the
  // user's to keep: never retention's.
  const live = savepoints.filter(
    (s) => !s.disposed && s.kind !== 'checkpoint' && s.kind !== 'final' && s.kind !== 'registered',
  );
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
