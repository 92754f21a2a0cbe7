/**
 * Where one run's time went, read from its history (issue 14: what bounds the schedule lag). From the
 * schedule's nominal time to the run's close, split into:
 *   - dispatch: schedule time → WorkflowExecutionStarted (Temporal's scheduler);
 *   - workflow-task wait: each WorkflowTaskScheduled → WorkflowTaskStarted (a worker's workflow slot
 *     and poller; on one worker, how busy it is);
 *   - workflow-task run: each WorkflowTaskStarted → WorkflowTaskCompleted (the worker's replay/code);
 *   - activity wait: each ActivityTaskScheduled → ActivityTaskStarted (an activity slot; includes the
 *     earlier attempts and their backoff when the last attempt is not the first, counted in `retries`);
 *   - activity work, per activity type: ActivityTaskStarted → its end (the calls to the kube-apiserver
 *     and Flink REST it makes);
 *   - timers: TimerStarted → TimerFired (the workflow's own waits).
 * `other` is what is left (the gaps between one event and the next task: Temporal's own persistence).
 * Sums of intervals: a run with parallel activities would count their overlap twice; the periodic
 * savepoint runs its activities one after the other.
 */
import { temporal } from '@temporalio/proto';
import { closing } from '../../../src/cli/run-history';

type Event = temporal.api.history.v1.IHistoryEvent;
const E = temporal.api.enums.v1.EventType;

export interface RunBreakdown {
  dispatch: number;
  workflowTaskWait: number;
  workflowTaskRun: number;
  activityWait: number;
  /** Activity type → time working (ms), summed over its runs in this workflow run. */
  activityWork: Map<string, number>;
  timers: number;
  other: number;
  /** Schedule time → run closed. */
  total: number;
  /** Activity attempts after the first. */
  retries: number;
}

const ms = (t?: { seconds?: unknown; nanos?: number | null } | null) =>
  Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/** The breakdown of one closed run; `scheduledAt` is the schedule's nominal time (epoch ms). */
export function breakdown(events: readonly Event[], scheduledAt: number): RunBreakdown {
  const out: RunBreakdown = {
    dispatch: 0,
    workflowTaskWait: 0,
    workflowTaskRun: 0,
    activityWait: 0,
    activityWork: new Map(),
    timers: 0,
    other: 0,
    total: 0,
    retries: 0,
  };
  const at = new Map<number, number>(); // event id → time
  const activityType = new Map<number, string>(); // scheduled event id → type
  const activityStart = new Map<number, number>(); // scheduled event id → started time
  const closes = closing();
  let started = NaN;
  let closed = NaN;
  for (const e of events) {
    const id = Number(e.eventId);
    const time = ms(e.eventTime);
    at.set(id, time);
    const type = Number(e.eventType);
    if (type === E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) started = time;
    else if (closes.has(type)) closed = time;
    else if (e.workflowTaskStartedEventAttributes)
      out.workflowTaskWait += time - (at.get(Number(e.workflowTaskStartedEventAttributes.scheduledEventId)) ?? time);
    else if (e.workflowTaskCompletedEventAttributes)
      out.workflowTaskRun += time - (at.get(Number(e.workflowTaskCompletedEventAttributes.startedEventId)) ?? time);
    else if (e.activityTaskScheduledEventAttributes)
      activityType.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
    else if (e.activityTaskStartedEventAttributes) {
      const sid = Number(e.activityTaskStartedEventAttributes.scheduledEventId);
      out.activityWait += time - (at.get(sid) ?? time);
      out.retries += Math.max(0, (e.activityTaskStartedEventAttributes.attempt ?? 1) - 1);
      activityStart.set(sid, time);
    } else if (e.timerFiredEventAttributes)
      out.timers += time - (at.get(Number(e.timerFiredEventAttributes.startedEventId)) ?? time);
    const end =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    if (end) {
      const sid = Number(end.scheduledEventId);
      const name = activityType.get(sid) ?? '?';
      const began = activityStart.get(sid) ?? time;
      out.activityWork.set(name, (out.activityWork.get(name) ?? 0) + (time - began));
    }
  }
  out.dispatch = started - scheduledAt;
  out.total = closed - scheduledAt;
  const work = [...out.activityWork.values()].reduce((a, b) => a + b, 0);
  out.other =
    out.total - out.dispatch - out.workflowTaskWait - out.workflowTaskRun - out.activityWait - work - out.timers;
  return out;
}

/** The named parts of a breakdown, in a fixed order (activity types sorted by name). */
export function parts(b: RunBreakdown): [string, number][] {
  return [
    ['dispatch (Temporal schedule → run started)', b.dispatch],
    ['workflow-task wait (worker slot)', b.workflowTaskWait],
    ['workflow-task run (worker code)', b.workflowTaskRun],
    ['activity wait (worker slot, retries)', b.activityWait],
    ...[...b.activityWork]
      .sort(([a], [c]) => a.localeCompare(c))
      .map(([name, v]): [string, number] => [`activity ${name} (kube-apiserver, Flink REST)`, v]),
    ['timers (the workflow waiting)', b.timers],
    ['other (Temporal between events)', b.other],
  ];
}
