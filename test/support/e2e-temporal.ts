/**
 * The set-up most end-to-end files share: their E2eEnv (namespace, worker) before the first test and a
 * Temporal client on the stack's server, both closed after the last. The connection is lazy: it opens on
 * the first call, after the env's worker has started.
 */
import { Client, Connection } from '@temporalio/client';
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
