/**
 * The savepoint trigger ids of one run, from its Temporal history (pure: the invariant in invariants.ts reads the
 * history, this accounts for it). Recorded: the lock's intent (`beginOperation`), then each `savepoint-retry` record
 * change (a trigger Flink failed while the job was failing over, replaced by a new id written before it is sent).
 */

/** One scheduled activity of the history, in order: its type and its (first) input. */
export interface ScheduledActivity {
  activity: string;
  input: unknown;
}

export interface TriggerIds {
  /** The trigger id of each takeSavepoint scheduled, in order (a Temporal retry of one is not scheduled again). */
  scheduled: string[];
  /** Triggers a later recorded one replaced (Flink failed them in a failover): they take no savepoint. */
  superseded: string[];
  /** takeSavepoint calls whose trigger id was not the one recorded last before it was scheduled. */
  unannounced: string[];
}

interface RetryChange {
  kind: 'savepoint-retry';
  triggerId: string;
  failedTriggerId: string;
}

export function triggerIdsOf(history: readonly ScheduledActivity[]): TriggerIds {
  const out: TriggerIds = { scheduled: [], superseded: [], unannounced: [] };
  let recorded: string | undefined;
  for (const { activity, input } of history) {
    if (activity === 'beginOperation') {
      const intent = (input as { intent?: { triggerId?: unknown } }).intent;
      if (typeof intent?.triggerId === 'string') recorded = intent.triggerId;
    } else if (activity === 'updateRecord') {
      const changes = (input as { changes?: { kind: string }[] }).changes ?? [];
      for (const change of changes.filter((c): c is RetryChange => c.kind === 'savepoint-retry')) {
        out.superseded.push(change.failedTriggerId);
        recorded = change.triggerId;
      }
    } else if (activity === 'takeSavepoint') {
      const { triggerId } = input as { triggerId: string };
      out.scheduled.push(triggerId);
      if (triggerId !== recorded) out.unannounced.push(triggerId);
    }
  }
  return out;
}
