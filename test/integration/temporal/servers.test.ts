import { randomUUID } from 'node:crypto';
import { Connection, Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import * as activities from '../../fixtures/stack-proof-activities';
import { stackProof } from '../../fixtures/stack-proof-workflows';
import { stack } from '../../support/stack';

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../fixtures/stack-proof-workflows') });
});

test('a workflow runs on the real Temporal dev server of the stack and is kept in its history', async () => {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection });
    const taskQueue = `stack-proof-${randomUUID()}`;
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address: stack.temporalAddress }),
      taskQueue,
      workflowBundle: bundle,
      activities,
    });
    const workflowId = `stack-proof-${randomUUID()}`;
    const result = await worker.runUntil(
      client.workflow.execute(stackProof, { taskQueue, workflowId, args: [{ name: 'dev', sleepMs: 100 }] }),
    );
    expect(result).toBe(`hello dev from pid ${process.pid}`);
    const described = await client.workflow.getHandle(workflowId).describe();
    expect(described.status.name).toBe('COMPLETED');
    const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
    expect(events?.some((e) => e.timerStartedEventAttributes)).toBe(true);
  } finally {
    await connection.close();
  }
});

test('a time-skipping test on the test server from the stack skips a one-day timer', async () => {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: stack.temporalTestServer } },
  });
  try {
    const taskQueue = `stack-proof-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities,
    });
    const before = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(stackProof, {
        taskQueue,
        workflowId: `stack-proof-${randomUUID()}`,
        args: [{ name: 'skip', sleepMs: 24 * 3600 * 1000 }],
      }),
    );
    expect(result).toContain('hello skip');
    // the one-day timer fired without a day passing: the server skipped time.
    expect(Date.now() - before).toBeLessThan(10 * 60_000);
  } finally {
    await env.teardown();
  }
});
