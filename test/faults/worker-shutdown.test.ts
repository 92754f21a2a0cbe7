/**
 * Issue 11 item 11: a graceful worker shutdown (SIGTERM, as every rolling update of the worker
 * sends) never fails an operation. The worker is stopped in Savepointing and in WaitingForStable of
 * a savepoint upgrade; the activity it was running is retried by a new worker, which finishes the
 * upgrade (succeeded: not failed, not rolled back).
 */
import { type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { operationWorkflowId } from '../../src/contract/ids';
import type { OperationResult } from '../../src/contract/operations';
import { E2eEnv, flinkOf, readRecord, removeApp } from '../support/e2e';
import { setUpWithTemporal } from '../support/e2e-temporal';

const env = new E2eEnv('e2e-sigterm');
const client = setUpWithTemporal(env);

/** True while `activity` runs (started on a worker) in the operation's run. */
async function runningActivity(handle: WorkflowHandle, activity: string): Promise<boolean> {
  const described = await handle.describe().catch(() => undefined);
  return (described?.raw.pendingActivities ?? []).some(
    (a) =>
      a.activityType?.name === activity &&
      a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
  );
}

test(
  'SIGTERM of the worker in Savepointing, then in ' + 'WaitingForStable: a new worker finishes each upgrade',
  async () => {
    const app = 'sigterm';
    const manifest = (parallelism: number) => env.manifest(app, { parallelism, windowSeconds: 5, timeoutSeconds: 120 });
    expect((await env.cli(['apply', '-f', manifest(1), '--wait', '--timeout', '4m'])).code).toBe(0);
    const handle = client.workflow.getHandle(operationWorkflowId({ namespace: env.namespace, name: app }));
    let parallelism = 1;
    for (const [phase, activity] of [
      ['Savepointing', 'takeSavepoint'],
      ['WaitingForStable', 'awaitJobStable'],
    ]) {
      parallelism += 1;
      expect((await env.cli(['apply', '-f', manifest(parallelism), '--no-wait'])).code).toBe(0);
      // SIGTERM while the phase's activity runs on the worker (started, not merely scheduled).
      const deadline = Date.now() + 180_000;
      while (!(await runningActivity(handle, activity!))) {
        if (Date.now() > deadline) throw new Error(`${activity} of phase ${phase} never ran`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await env.terminateWorker();
      env.startWorker();
      const result = (await handle.result()) as OperationResult;
      expect({ phase, outcome: result.outcome }).toEqual({ phase, outcome: 'succeeded' });
      // The interrupted activity was retried (a second attempt), not failed.
      const attempts = ((await handle.fetchHistory()).events ?? [])
        .filter((e) => e.activityTaskStartedEventAttributes)
        .map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
      expect(Math.max(...attempts)).toBeGreaterThanOrEqual(2);
      const record = await readRecord(env.namespace, app);
      expect(record.lastStableSpec?.job.parallelism).toBe(parallelism);
      expect((await (await flinkOf(env.namespace, app)).jobDetails(record.jobId!)).state).toBe('RUNNING');
    }
    await removeApp(env.namespace, app);
  },
);
