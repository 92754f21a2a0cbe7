import { temporal } from '@temporalio/proto';
import { breakdown, parts } from '../../../scripts/bench/fleet/run-breakdown';

const E = temporal.api.enums.v1.EventType;
const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

test('a run is split into dispatch, workflow tasks, activity wait and work per type, timers and the rest', () => {
  // Plain numbers where the protobuf types say Long: breakdown reads them with Number().
  const events = [
    { eventId: 1, eventType: E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, eventTime: at(10_300) },
    { eventId: 2, eventType: E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, eventTime: at(10_300) },
    {
      eventId: 3,
      eventType: E.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      eventTime: at(10_500),
      workflowTaskStartedEventAttributes: { scheduledEventId: 2 },
    },
    {
      eventId: 4,
      eventType: E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      eventTime: at(10_520),
      workflowTaskCompletedEventAttributes: { startedEventId: 3 },
    },
    {
      eventId: 5,
      eventType: E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
      eventTime: at(10_530),
      activityTaskScheduledEventAttributes: { activityType: { name: 'takeSavepoint' } },
    },
    {
      eventId: 6,
      eventType: E.EVENT_TYPE_ACTIVITY_TASK_STARTED,
      eventTime: at(12_530),
      activityTaskStartedEventAttributes: { scheduledEventId: 5, attempt: 2 },
    },
    {
      eventId: 7,
      eventType: E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
      eventTime: at(13_130),
      activityTaskCompletedEventAttributes: { scheduledEventId: 5 },
    },
    { eventId: 8, eventType: E.EVENT_TYPE_TIMER_STARTED, eventTime: at(13_200) },
    {
      eventId: 9,
      eventType: E.EVENT_TYPE_TIMER_FIRED,
      eventTime: at(14_200),
      timerFiredEventAttributes: { startedEventId: 8 },
    },
    { eventId: 10, eventType: E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, eventTime: at(14_300) },
  ];
  const b = breakdown(events as unknown as temporal.api.history.v1.IHistoryEvent[], 10_000);
  expect(b).toMatchObject({
    dispatch: 300,
    workflowTaskWait: 200,
    workflowTaskRun: 20,
    activityWait: 2000,
    timers: 1000,
    total: 4300,
    retries: 1,
  });
  expect(b.activityWork).toEqual(new Map([['takeSavepoint', 600]]));
  // 4300 - 300 - 200 - 20 - 2000 - 600 - 1000
  expect(b.other).toBe(180);
  expect(parts(b).reduce((sum, [, v]) => sum + v, 0)).toBe(b.total);
});
