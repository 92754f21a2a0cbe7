/** The newest savepoint (or checkpoint) of the history that still exists. Pure. */
import type { SavepointEntry } from '../../contract/savepoints';

export function latestSavepoint(savepoints: SavepointEntry[]): SavepointEntry | undefined {
  return [...savepoints]
    .filter((s) => !s.disposed && !s.disposalPending)
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))[0];
}
