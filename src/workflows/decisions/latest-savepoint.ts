/**
 * The newest savepoint (or checkpoint) of the history that still exists. Pure. A registered savepoint
 * (kind `registered`, not taken of this job by flink-deploy) is never it: it is restored only when named.
 */
import type { SavepointEntry } from '../../contract/savepoints';

export function latestSavepoint(savepoints: SavepointEntry[]): SavepointEntry | undefined {
  return [...savepoints]
    .filter((s) => !s.disposed && !s.disposalPending && s.kind !== 'registered')
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))[0];
}
