/**
 * What `--wait` reads of a running operation: its history, long-polled (GetWorkflowExecutionHistory
 * with waitNewEvent). Reading history costs no Temporal action, where each `progress` query is one
 * (Temporal Cloud bills queries): the phases (the FlinkPhase upserts, with the time each was
 * entered), the operation (FlinkOperation), the activity running now, and whether the run closed.
 */
import type { temporal } from '@temporalio/proto';
import type { TemporalSession } from './temporal-client';
import { temporalCommon, temporalProto } from './lazy-modules';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payload = temporal.api.common.v1.IPayload;

/**
 * How long one long-poll waits for a new event before the CLI asks again (Temporal answers an
 * empty page after about 20 s by itself): also how soon a server that went away is noticed.
 */
export const LONG_POLL_MS = 15_000;

/** What new events of the run said. */
export interface RunNews {
  /** Phases entered, in order, each with the time of its upsert. */
  phases: { phase: string; at: Date }[];
  /** The operation, once the run named it (FlinkOperation). */
  operation?: string;
  /** The activity scheduled last, by type (`takeSavepoint`...). */
  activity?: string;
  /** A workflow task is waiting for a worker to pick it up. */
  waitingForWorker?: boolean;
  /** The run closed (completed, failed, cancelled, terminated, timed out, continued as new). */
  closed: boolean;
  /** How many events the page held (0: nothing happened within the long-poll). */
  events: number;
}

/** The event types that close a run. */
export function closing(): Set<number> {
  const E = temporalProto().temporal.api.enums.v1.EventType;
  return new Set<number>([
    E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
  ]);
}

/** A Keyword search attribute's value from its payload (a string; older SDKs wrote a one-element list). */
function keyword(payload: Payload | null | undefined): string | undefined {
  if (!payload) return undefined;
  try {
    const value: unknown = temporalCommon().defaultPayloadConverter.fromPayload(payload);
    const first = Array.isArray(value) ? (value[0] as unknown) : value;
    return typeof first === 'string' ? first : undefined;
  } catch {
    return undefined;
  }
}

function timeOf(event: HistoryEvent): Date {
  const t = event.eventTime;
  return t ? new Date(Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)) : new Date();
}

/** What a page of events says. Pure: unit-tested. */
export function readEvents(events: HistoryEvent[]): RunNews {
  const E = temporalProto().temporal.api.enums.v1.EventType;
  const closes = closing();
  const news: RunNews = { phases: [], closed: false, events: events.length };
  for (const event of events) {
    const type = Number(event.eventType);
    const fields =
      event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ??
      event.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields;
    if (fields) {
      const phase = keyword(fields['FlinkPhase']);
      if (phase !== undefined && type === E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
        news.phases.push({ phase, at: timeOf(event) });
      news.operation = keyword(fields['FlinkOperation']) ?? news.operation;
    }
    if (type === E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
      news.activity = event.activityTaskScheduledEventAttributes?.activityType?.name ?? news.activity;
    if (type === E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) news.waitingForWorker = true;
    if (type === E.EVENT_TYPE_WORKFLOW_TASK_STARTED) news.waitingForWorker = false;
    if (closes.has(type)) news.closed = true;
  }
  return news;
}

/** Reads one run's history page by page, each read waiting for new events (bounded). */
export class RunHistory {
  private nextPageToken: Uint8Array | undefined;

  constructor(
    private readonly session: TemporalSession,
    private readonly workflowId: string,
    private readonly runId: string | undefined,
  ) {}

  /**
   * The events since the last read, waiting at most `LONG_POLL_MS` (or until `signal` aborts)
   * for one: an empty page means nothing happened. Transport errors are the caller's.
   */
  async next(signal: AbortSignal): Promise<RunNews> {
    const { connection, client } = this.session;
    const response = await connection.withAbortSignal(signal, () =>
      connection.withDeadline(Date.now() + LONG_POLL_MS, () =>
        connection.workflowService.getWorkflowExecutionHistory({
          namespace: client.options.namespace,
          execution: { workflowId: this.workflowId, runId: this.runId ?? '' },
          nextPageToken: this.nextPageToken,
          waitNewEvent: true,
        }),
      ),
    );
    if (response.nextPageToken && response.nextPageToken.length > 0) this.nextPageToken = response.nextPageToken;
    return readEvents(response.history?.events ?? []);
  }
}
