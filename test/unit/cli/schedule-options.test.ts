import { ScheduleOverlapPolicy } from '@temporalio/client';
import { savepointScheduleOptions } from '../../../src/cli/commands/schedule';

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
    expect(options.spec).toEqual({ intervals: [{ every: 600_000 }] });
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
