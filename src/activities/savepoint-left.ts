/**
 * The savepoint a closed lock holder left unrecorded: its run was terminated (or timed out) after it had
 * asked Flink for a savepoint (the trigger id is in its intent, recorded before the trigger) and before it
 * recorded the result. Flink took it all the same; unrecorded, it is on disk in no list, restore point or
 * retention. The next operation taking the lock over (the same workflow id) or releasing it (another) asks Flink
 * for that trigger once (bounded: it runs inside `beginOperation`), and records what Flink took in the same write
 * that takes the lock over, or releases it.
 */
import { hasErrorCode } from '../contract/errors';
import { savepointKindOf, type SavepointEntry } from '../contract/savepoints';
import type { AppRef } from '../contract/app';
import { FlinkErrorCode } from '../flink';
import type { OperationRecord } from '../k8s/state-record/types';
import type { ActivityDeps } from './deps';

/** How long the look may take, all of it: within `beginOperation`'s 30 s, beside its record reads and writes. */
export const SAVEPOINT_LEFT_LOOK_MS = 15_000;
const PENDING_POLL_MS = 1_000;

/** The trigger id a holder's intent names, if it is not one the record already holds. */
export function unrecordedTrigger(
  holder: Pick<OperationRecord, 'intent'>,
  savepoints: readonly Pick<SavepointEntry, 'triggerId'>[],
): string | undefined {
  const triggerId = holder.intent?.triggerId;
  if (typeof triggerId !== 'string' || !triggerId) return undefined;
  return savepoints.some((s) => s.triggerId === triggerId) ? undefined : triggerId;
}

export interface SavepointLeftInput {
  app: AppRef;
  holder: OperationRecord;
  /** The job the record names (the one the holder's savepoint was of). */
  jobId: string | null | undefined;
  savepoints: readonly SavepointEntry[];
  now: Date;
}

/**
 * The entry to record for the holder's savepoint, when Flink completed it; undefined when there is none to
 * record (no trigger, already recorded, unknown to Flink, failed, still in progress after the look, or Flink
 * unreachable: the reason is returned for the release's message).
 */
export async function savepointLeft(
  deps: Pick<ActivityDeps, 'flinkFor'>,
  input: SavepointLeftInput,
): Promise<{ entry?: SavepointEntry; seen: string }> {
  const triggerId = unrecordedTrigger(input.holder, input.savepoints);
  if (!triggerId || !input.jobId) return { seen: 'no unrecorded savepoint trigger' };
  const jobId = input.jobId;
  const signal = AbortSignal.timeout(SAVEPOINT_LEFT_LOOK_MS);
  try {
    const flink = await deps.flinkFor(input.app);
    for (;;) {
      const status = await flink.savepointStatus(jobId, triggerId, { signal });
      if (status.kind === 'completed') {
        const entry: SavepointEntry = {
          location: status.location,
          kind: savepointKindOf(input.app, input.holder),
          time: input.now.toISOString(),
          triggerId,
          jobId,
          disposed: false,
        };
        return { entry, seen: `its savepoint ${status.location} (trigger ${triggerId}) recorded` };
      }
      if (status.kind === 'failed') return { seen: `its savepoint trigger ${triggerId} failed in Flink` };
      await new Promise((r) => setTimeout(r, PENDING_POLL_MS));
      if (signal.aborted) return { seen: `its savepoint trigger ${triggerId} was still in progress in Flink` };
    }
  } catch (err) {
    if (hasErrorCode(err, FlinkErrorCode.NotFound))
      return { seen: `Flink does not know its savepoint trigger ${triggerId}` };
    return { seen: `its savepoint trigger ${triggerId} could not be asked of Flink (${(err as Error).message})` };
  }
}
