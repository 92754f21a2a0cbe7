/**
 * The set-up most end-to-end files share: their E2eEnv (namespace, worker) before the first test and a
 * Temporal client on the stack's server, both closed after the last. The connection is lazy: it opens on
 * the first call, after the env's worker has started. And the phase the server holds for an operation.
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { FlinkPhase } from '../../src/contract/search-attributes';
import type { E2eEnv } from './e2e';
import { stack } from './stack';

export function setUpWithTemporal(env: E2eEnv): Client {
  const connection = Connection.lazy({ address: stack.temporalAddress });
  beforeAll(() => env.setUp());
  afterAll(async () => {
    await connection.close();
    await env.tearDown();
  });
  return new Client({ connection });
}

/**
 * The FlinkPhase the server holds for the run (no worker needed to answer): upserted in the workflow task that
 * schedules the phase's activity.
 */
export async function serverPhase(handle: WorkflowHandle): Promise<string | undefined> {
  return (await handle.describe()).typedSearchAttributes.get(FlinkPhase);
}

/** Polls serverPhase every 20 ms (a describe that fails counts as not yet) until it is `phase`, `timeoutMs` at most. */
export async function untilServerPhase(handle: WorkflowHandle, phase: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await serverPhase(handle).catch(() => undefined)) !== phase) {
    if (Date.now() > deadline) throw new Error(`the operation did not reach ${phase} in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
