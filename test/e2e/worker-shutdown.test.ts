/**
 * Issue 11 item 11: a graceful worker shutdown (SIGTERM, as every rolling update of the worker
 * sends) never fails an operation. The worker is stopped in Savepointing and in WaitingForStable of
 * a savepoint upgrade; the activity it was running is retried by a new worker, which finishes the
 * upgrade (succeeded: not failed, not rolled back).
 */
import { Connection, Client } from '@temporalio/client';
import { progressQuery } from '../../src/contract/progress';
import { operationWorkflowId } from '../../src/contract/ids';
import type { OperationResult } from '../../src/contract/operations';
import { E2eEnv, flinkOf, readRecord, removeApp } from '../support/e2e';
import { stack } from '../support/stack';

const env = new E2eEnv('e2e-sigterm');
let connection: Connection;
let client: Client;
beforeAll(async () => {
  await env.setUp();
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
  await env.tearDown();
});

test('SIGTERM of the worker in Savepointing, then in WaitingForStable: a new worker finishes each upgrade', async () => {
  const app = 'sigterm';
  const manifest = (parallelism: number) => env.manifest(app, { parallelism, windowSeconds: 5, timeoutSeconds: 120 });
  expect((await env.cli(['apply', '-f', manifest(1), '--wait', '--timeout', '4m'])).code).toBe(0);
  const handle = client.workflow.getHandle(operationWorkflowId({ namespace: env.namespace, name: app }));
  let parallelism = 1;
  for (const phase of ['Savepointing', 'WaitingForStable']) {
    parallelism += 1;
    expect((await env.cli(['apply', '-f', manifest(parallelism), '--no-wait'])).code).toBe(0);
    const deadline = Date.now() + 180_000;
    while (
      !(await handle.query(progressQuery).then(
        (p) => p.phases.at(-1)?.phase === phase,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error(`phase ${phase} not reached`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await env.terminateWorker();
    env.startWorker();
    const result = (await handle.result()) as OperationResult;
    expect({ phase, outcome: result.outcome }).toEqual({ phase, outcome: 'succeeded' });
    const record = await readRecord(env.namespace, app);
    expect(record.lastStableSpec?.job.parallelism).toBe(parallelism);
    expect((await (await flinkOf(env.namespace, app)).jobDetails(record.jobId!)).state).toBe('RUNNING');
  }
  await removeApp(env.namespace, app);
});
