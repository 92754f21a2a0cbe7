import { ScheduleOverlapPolicy } from '@temporalio/client';
import { savepointScheduleOptions, schedulePhaseMs } from '../../../src/cli/commands/schedule';

test(
  'the savepoint schedule: id per app, savepoint workflow with periodic kind and retention, overlap SKIP, ' +
    'explicit catch-up',
  () => {
    const app = { namespace: 'team-a', name: 'orders' };
    const options = savepointScheduleOptions({
      app,
      taskQueue: 'flink-deploy',
      everyMs: 600_000,
      retention: { keep: 5, maxAgeSeconds: 604_800 },
    });
    expect(options.scheduleId).toBe('flink-deploy-savepoints/team-a/orders');
    expect(options.spec).toEqual({ intervals: [{ every: 600_000, offset: schedulePhaseMs(app, 600_000) }] });
    expect(options.policies).toEqual({ overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 600_000 });
    expect(options.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'savepoint',
      taskQueue: 'flink-deploy',
      args: [{ app, kind: 'periodic', retention: { keep: 5, maxAgeSeconds: 604_800 } }],
    });
    const attributes = (options.action.typedSearchAttributes as { key: { name: string }; value: unknown }[]).map(
      (pair) => [pair.key.name, pair.value],
    );
    expect(Object.fromEntries(attributes)).toEqual({
      FlinkApplication: 'orders',
      FlinkNamespace: 'team-a',
      FlinkOperation: 'savepoint',
    });
  },
);

test("the catch-up window is never below Temporal's minimum of 10 s", () => {
  const options = savepointScheduleOptions({
    app: { namespace: 'a', name: 'b' },
    taskQueue: 'q',
    everyMs: 1_000,
    retention: { keep: 1 },
  });
  expect(options.policies?.catchupWindow).toBe(10_000);
});

test('a fleet takes its savepoints at phases spread over the interval, each app at a fixed one', () => {
  const everyMs = 600_000;
  const phases = Array.from({ length: 1000 }, (_, i) =>
    schedulePhaseMs({ namespace: 'fleet', name: `app-${i}` }, everyMs),
  );
  for (const phase of phases) {
    expect(Number.isInteger(phase / 1000)).toBe(true);
    expect(phase).toBeGreaterThanOrEqual(0);
    expect(phase).toBeLessThan(everyMs);
  }
  // 1000 applications over 600 one-second slots: no second holds more than a handful.
  const perSecond = new Map<number, number>();
  for (const phase of phases) perSecond.set(phase, (perSecond.get(phase) ?? 0) + 1);
  expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(8);
  // Every minute of the interval gets its share (1000 / 10 = 100, give or take).
  const perMinute = new Array<number>(10).fill(0);
  for (const phase of phases) perMinute[Math.floor(phase / 60_000)]! += 1;
  for (const count of perMinute) expect(count).toBeGreaterThan(60);
  // The same application always lands on the same phase; another namespace moves it.
  expect(schedulePhaseMs({ namespace: 'fleet', name: 'app-7' }, everyMs)).toBe(phases[7]);
  expect(schedulePhaseMs({ namespace: 'other', name: 'app-7' }, everyMs)).not.toBe(phases[7]);
});
