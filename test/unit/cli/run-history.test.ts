import { temporal } from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/common';
import { readEvents as readHistory } from '../../../src/cli/run-history';

/** Events as plain objects (numbers where the protobuf types say Long: readEvents reads them with Number()). */
const readEvents = (events: object[]) => readHistory(events as unknown as temporal.api.history.v1.IHistoryEvent[]);

const E = temporal.api.enums.v1.EventType;
const keyword = (value: unknown) => defaultPayloadConverter.toPayload(value);
const at = (s: number) => ({ seconds: s, nanos: 250_000_000 });
const upsert = (seconds: number, fields: Record<string, unknown>) => ({
  eventType: E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  eventTime: at(seconds),
  upsertWorkflowSearchAttributesEventAttributes: {
    searchAttributes: {
      indexedFields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, keyword(v)])),
    },
  },
});

test('phases come from the FlinkPhase upserts, in order, each at the time of its event', () => {
  const news = readEvents([
    {
      eventType: E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      eventTime: at(100),
      workflowExecutionStartedEventAttributes: {
        searchAttributes: { indexedFields: { FlinkOperation: keyword('apply') } },
      },
    },
    upsert(101, { FlinkPhase: 'Locking' }),
    upsert(102, { FlinkPhase: 'Planning' }),
    upsert(102, { FlinkOperation: 'upgrade' }),
    // An older SDK wrote a keyword as a one-element list.
    upsert(103, { FlinkPhase: ['Savepointing'] }),
    upsert(104, { TemporalChangeVersion: ['some-patch'] }),
  ]);
  expect(news.phases).toEqual([
    { phase: 'Locking', at: new Date(101_250) },
    { phase: 'Planning', at: new Date(102_250) },
    { phase: 'Savepointing', at: new Date(103_250) },
  ]);
  expect(news.operation).toBe('upgrade');
  expect(news.closed).toBe(false);
});

test('the activity scheduled last, a workflow task waiting for a worker, and the close are read', () => {
  const scheduled = (name: string) => ({
    eventType: E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    activityTaskScheduledEventAttributes: { activityType: { name } },
  });
  const waiting = readEvents([
    scheduled('takeSavepoint'),
    scheduled('startGeneration'),
    { eventType: E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED },
  ]);
  expect(waiting).toMatchObject({ activity: 'startGeneration', waitingForWorker: true, closed: false });
  const picked = readEvents([
    { eventType: E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED },
    { eventType: E.EVENT_TYPE_WORKFLOW_TASK_STARTED },
  ]);
  expect(picked.waitingForWorker).toBe(false);
  for (const close of [
    E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
  ])
    expect(readEvents([{ eventType: close }]).closed).toBe(true);
  expect(readEvents([]).phases).toEqual([]);
});
