/**
 * Temporal actions of one workflow run, counted from its history the way Temporal Cloud bills
 * them: the start, each scheduled activity, timer, search-attribute upsert, signal, child
 * workflow; each activity RETRY (the history keeps an activity's last attempt number: attempt
 * n means n - 1 retries); plus activity heartbeats, which the history does not show: estimated
 * from each heartbeating activity's duration and the SDK's throttle (80 % of its heartbeat
 * timeout). Queries (the CLI's `--wait` polls) leave no trace in the history: see `waitQueries`.
 * Not counted: the upsert of `TemporalChangeVersion` the SDK adds to each `patched()` marker
 * (Temporal Cloud exempts it); a Schedule's own actions per run it starts are not in the run's
 * history either: see `SCHEDULE_ACTIONS_PER_RUN`.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const E = temporal.api.enums.v1.EventType;
const billable = new Set<number>([
  E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
  E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  E.EVENT_TYPE_TIMER_STARTED,
  E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
  E.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
]);

/**
 * What Temporal Cloud bills a Schedule for each run it starts beyond the run's own start (which its history
 * shows): "Schedule Start", 2 actions (docs.temporal.io/cloud/actions, "Schedules": 3 per execution).
 */
export const SCHEDULE_ACTIONS_PER_RUN = 2;

/** The SDK's versioning upsert (`TemporalChangeVersion` only), made with each `patched()` marker: not billed. */
function versioningUpsert(e: temporal.api.history.v1.IHistoryEvent): boolean {
  const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
  const keys = Object.keys(fields ?? {});
  return keys.length > 0 && keys.every((k) => k === 'TemporalChangeVersion');
}

export interface ActionCount {
  historyActions: number;
  /** Activity attempts after the first. */
  retries: number;
  estimatedHeartbeats: number;
  /** historyActions + retries + estimatedHeartbeats (queries are counted by the caller). */
  total: number;
  /** The FlinkPhase upserts: the phases entered (what bounds the CLI's `--wait` queries). */
  phaseUpserts: number;
}

/**
 * The progress queries of a CLI that followed the run with `--wait`, at most: it reads the run's
 * history (not billed) and asks the `progress` query only when a page of history brings new phases
 * (src/cli/follow-operation.ts), so at most one per FlinkPhase upsert. An upper bound (phases
 * entered close together arrive in one page and cost one query), not a measurement.
 */
export function waitQueries(count: ActionCount): number {
  return count.phaseUpserts;
}

const seconds = (t?: { seconds?: unknown; nanos?: number | null } | null) =>
  Number(t?.seconds ?? 0) + (t?.nanos ?? 0) / 1e9;

export async function countActions(client: Client, workflowId: string, runId?: string): Promise<ActionCount> {
  const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  let historyActions = 0;
  let retries = 0;
  let estimatedHeartbeats = 0;
  let phaseUpserts = 0;
  const scheduled = new Map<number, number>(); // scheduled event id → heartbeat timeout (s)
  const startedAt = new Map<number, number>();
  for (const e of events) {
    if (billable.has(Number(e.eventType)) && !versioningUpsert(e)) historyActions++;
    if (e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.['FlinkPhase'])
      phaseUpserts++;
    const id = Number(e.eventId);
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(id, seconds(s.heartbeatTimeout));
    const st = e.activityTaskStartedEventAttributes;
    if (st) {
      startedAt.set(Number(st.scheduledEventId), seconds(e.eventTime));
      retries += Math.max(0, (st.attempt ?? 1) - 1);
    }
    const end =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes;
    if (end) {
      const sid = Number(end.scheduledEventId);
      const hb = scheduled.get(sid) ?? 0;
      const began = startedAt.get(sid);
      if (hb > 0 && began !== undefined) estimatedHeartbeats += Math.floor((seconds(e.eventTime) - began) / (hb * 0.8));
    }
  }
  return {
    historyActions,
    retries,
    estimatedHeartbeats,
    total: historyActions + retries + estimatedHeartbeats,
    phaseUpserts,
  };
}
