import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { countActions, waitQueries } from '../../../scripts/bench/actions';

const E = temporal.api.enums.v1.EventType;
const at = (s: number) => ({ seconds: s, nanos: 0 });

/** A client whose one run has these history events. */
function clientWith(events: object[]): Client {
  return { workflow: { getHandle: () => ({ fetchHistory: async () => ({ events }) }) } } as unknown as Client;
}

test('an activity retried twice counts its two retries; heartbeats are estimated from the last attempt', async () => {
  // Plain numbers where the protobuf types say Long: countActions reads them with Number().
  const events = [
    { eventId: 1, eventType: E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, eventTime: at(0) },
    {
      eventId: 5,
      eventType: E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
      eventTime: at(1),
      activityTaskScheduledEventAttributes: { heartbeatTimeout: { seconds: 10 } },
    },
    {
      eventId: 6,
      eventType: E.EVENT_TYPE_ACTIVITY_TASK_STARTED,
      eventTime: at(20),
      activityTaskStartedEventAttributes: { scheduledEventId: 5, attempt: 3 },
    },
    {
      eventId: 7,
      eventType: E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
      eventTime: at(36),
      activityTaskCompletedEventAttributes: { scheduledEventId: 5 },
    },
  ];
  // 2 billable history events, attempt 3 = 2 retries, 16 s at one heartbeat per 8 s = 2.
  expect(await countActions(clientWith(events), 'wf')).toEqual({
    historyActions: 2,
    retries: 2,
    estimatedHeartbeats: 2,
    total: 6,
    phaseUpserts: 0,
  });
});

test("the SDK's TemporalChangeVersion upsert by a patched() marker is not counted; an outcome upsert is", async () => {
  const upsert = (key: string) => ({
    eventType: E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { [key]: { data: [] } } } },
  });
  const events = [
    { eventId: 1, eventType: E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED },
    { eventId: 5, eventType: E.EVENT_TYPE_MARKER_RECORDED },
    { eventId: 6, ...upsert('TemporalChangeVersion') },
    { eventId: 7, ...upsert('FlinkOutcome') },
  ];
  expect(await countActions(clientWith(events), 'wf')).toEqual({
    historyActions: 2,
    retries: 0,
    estimatedHeartbeats: 0,
    total: 2,
    phaseUpserts: 0,
  });
});

test("the CLI's --wait queries: at most one per phase entered (FlinkPhase upsert), none per poll", async () => {
  const upsert = (key: string) => ({
    eventType: E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { [key]: { data: [] } } } },
  });
  const events = [
    { eventId: 1, eventType: E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED },
    { eventId: 5, ...upsert('FlinkPhase') },
    { eventId: 9, ...upsert('FlinkOperation') },
    { eventId: 12, ...upsert('FlinkPhase') },
    { eventId: 20, ...upsert('FlinkPhase') },
  ];
  const counted = await countActions(clientWith(events), 'wf');
  expect(counted.phaseUpserts).toBe(3);
  expect(waitQueries(counted)).toBe(3);
});
