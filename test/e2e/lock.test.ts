/**
 * The record lock's real path, on the whole local stack: operations on one application under
 * DIFFERENT workflow ids (so Temporal's one-run-per-workflow-id rule does not stand between
 * them) meet an upgrade holding the lock, and the lock, in the deployed-state record, refuses
 * them naming its holder: a periodic savepoint from the schedule is skipped, a manual savepoint
 * started by another client (another Temporal namespace would be the same) fails with
 * OperationInProgress. The upgrade finishes, the lock is released, nothing else was recorded.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { operationWorkflowId, savepointScheduleId } from '../../src/contract/ids';
import type { OperationResult } from '../../src/contract/operations';
import type { SavepointInput } from '../../src/contract/workflow-inputs';
import { E2eEnv, eventually, readRecord, removeApp } from '../support/e2e';
import { setUpWithTemporal } from '../support/e2e-temporal';

const env = new E2eEnv('e2e-lock');
const client = setUpWithTemporal(env);

const wait = ['--wait', '--timeout', '5m'];

/** Deploys `app`, starts an upgrade without waiting, and returns once the upgrade holds the lock. */
async function upgradeHoldingTheLock(app: string) {
  expect((await env.cli(['apply', '-f', env.manifest(app, { parallelism: 2 }), ...wait])).code).toBe(0);
  expect((await env.cli(['apply', '-f', env.manifest(app, { parallelism: 3 }), '--no-wait'])).code).toBe(0);
  const holder = operationWorkflowId({ namespace: env.namespace, name: app });
  const upgrade = client.workflow.getHandle(holder);
  await eventually('the upgrade holds the lock', async () =>
    (await readRecord(env.namespace, app)).operation?.workflowId === holder ? true : undefined,
  );
  return { holder, upgrade };
}

/** After the upgrade: it succeeded, the lock is free, and no savepoint but the upgrade's was recorded. */
async function expectUpgradeAloneRan(app: string, upgrade: { result(): Promise<unknown> }) {
  expect(((await upgrade.result()) as OperationResult).outcome).toBe('succeeded');
  const record = await readRecord(env.namespace, app);
  expect(record.operation).toBeNull();
  expect(record.lastAppliedSpec?.job.parallelism).toBe(3);
  expect(record.savepoints.map((s) => s.kind)).toEqual(['upgrade']);
}

test(
  'a periodic savepoint (the schedule, its own workflow id) meeting an upgrade is skipped by the lock, which ' +
    'names the upgrade',
  async () => {
    const app = 'periodic-meets';
    const { holder, upgrade } = await upgradeHoldingTheLock(app);
    // A schedule whose own runs are a day apart; triggered now, while the upgrade holds the lock.
    expect(
      (await env.cli(['schedule', 'savepoints', app, '-n', env.namespace, '--every', '24h', '--keep', '2'])).code,
    ).toBe(0);
    const schedule = client.schedule.getHandle(savepointScheduleId({ namespace: env.namespace, name: app }));
    try {
      await schedule.trigger();
      const started = await eventually('the schedule started a run', async () => {
        const action = (await schedule.describe()).info.recentActions.at(-1)?.action;
        return action?.type === 'startWorkflow' ? action.workflow : undefined;
      });
      expect(started.workflowId).not.toBe(holder);
      const periodic = client.workflow.getHandle(started.workflowId, started.firstExecutionRunId);
      const result = (await periodic.result()) as OperationResult;
      expect(result).toMatchObject({ operation: 'savepoint', outcome: 'skipped' });
      expect(result.message).toContain('periodic savepoint skipped: operation in progress:');
      expect(result.message).toContain(`(workflow ${holder},`);
      // It was refused at the lock: the run never got past taking it.
      const activities = ((await periodic.fetchHistory()).events ?? [])
        .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
        .filter((name) => name !== undefined);
      expect(activities).toEqual(['beginOperation']);
    } finally {
      expect((await env.cli(['schedule', 'delete', app, '-n', env.namespace])).code).toBe(0);
    }
    await expectUpgradeAloneRan(app, upgrade);
    await removeApp(env.namespace, app);
  },
);

test(
  'two operations on one application under different workflow ids: the lock, not Temporal, refuses the ' +
    'second (OperationInProgress naming the holder)',
  async () => {
    const app = 'two-clients';
    const { holder, upgrade } = await upgradeHoldingTheLock(app);
    // Another client starts a manual savepoint of the same application under its own workflow id.
    const otherId = `other-client/${env.namespace}/${app}`;
    const input: SavepointInput = { app: { namespace: env.namespace, name: app }, kind: 'manual' };
    const other = await client.workflow.start('savepoint', {
      taskQueue: env.taskQueue,
      workflowId: otherId,
      args: [input],
    });
    const failure = await other.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('OperationInProgress');
    expect((cause as ApplicationFailure).message).toContain(`operation in progress: apply (workflow ${holder},`);
    expect((cause as ApplicationFailure).details?.[0]).toMatchObject({ workflowId: holder });
    await expectUpgradeAloneRan(app, upgrade);
    // The lock is free again: the same other client's savepoint now runs.
    const again = await client.workflow.start('savepoint', {
      taskQueue: env.taskQueue,
      workflowId: `${otherId}-again`,
      args: [input],
    });
    expect(((await again.result()) as OperationResult).outcome).toBe('succeeded');
    expect((await readRecord(env.namespace, app)).savepoints.map((s) => s.kind)).toEqual(['upgrade', 'manual']);
    await removeApp(env.namespace, app);
  },
);
