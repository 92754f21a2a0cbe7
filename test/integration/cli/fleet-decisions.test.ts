/**
 * `approve` / `abort` of a rollout no worker runs, against the stack's real Temporal: the rollout answers from
 * its worker, and with none the SDK sent the update again for ever (the CLI hung, saying nothing). Now the wait
 * for the answer is bounded (`--timeout`, 1 minute by default): exit 4, naming the task queue and the way on.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { fleetWorkflowId } from '../../../src/contract/fleet';
import { stack } from '../../support/stack';
import { cliEnv, runCli } from './run-cli';

const taskQueue = `no-worker-${randomUUID().slice(0, 8)}`;
const rollout = `r${randomUUID().slice(0, 8)}`;
const workflowId = fleetWorkflowId(rollout);
let connection: Connection;
let client: Client;

beforeAll(async () => {
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
  // A rollout started on a task queue no worker polls (what a rollout is when its workers are all down).
  await client.workflow.start('fleet', { taskQueue, workflowId, args: [{}] });
});
afterAll(async () => {
  await client.workflow.getHandle(workflowId).terminate('test over');
  await connection.close();
});

test.each(['approve', 'abort'])(
  '%s with no worker: exit 4 at its --timeout, naming the task queue',
  async (kind) => {
    const started = Date.now();
    const run = await runCli(
      [kind, rollout, '--timeout', '3s', '-o', 'json'],
      cliEnv({ FLINK_DEPLOY_TASK_QUEUE: taskQueue }),
    );
    const took = Date.now() - started;

    expect({ code: run.code, error: JSON.parse(run.stdout || '{}').error }).toEqual({
      code: 4,
      error: expect.objectContaining({
        code: 'TimedOut',
        message:
          `${workflowId} did not answer the ${kind} within 3s: ` +
          `is a worker running on task queue ${taskQueue} (Temporal namespace default)?`,
        hint: expect.stringContaining(`The ${kind} may still be taken when a worker picks the rollout up`),
      }),
    });
    // The bound, not a hang (the process's start-up and connection come on top of the 3 s).
    expect(took).toBeGreaterThanOrEqual(3_000);
    expect(took).toBeLessThan(60_000);
  },
  120_000,
);
