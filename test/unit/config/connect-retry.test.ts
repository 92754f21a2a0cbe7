/** The first Temporal connection (CLI, worker): retried with a bounded backoff, then the last error and count. */
import {
  connectWithRetry,
  ConnectFailed,
  defaultConnectRetry,
  workerConnectRetry,
} from '../../../src/config/connect-retry';

function fakeClock() {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    clock: {
      now: () => now,
      sleep: (ms: number) => {
        slept.push(ms);
        now += ms;
        return Promise.resolve();
      },
    },
  };
}

test('a server that answers on the third attempt: connected, after waits of 0.5 s and 1 s', async () => {
  const { slept, clock } = fakeClock();
  let calls = 0;
  const connected = await connectWithRetry(
    () => (++calls < 3 ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:7233')) : Promise.resolve('conn')),
    defaultConnectRetry,
    clock,
  );
  expect(connected).toBe('conn');
  expect(calls).toBe(3);
  expect(slept).toEqual([500, 1000]);
});

test('a server that never answers: 5 attempts, then ConnectFailed with the last error and the count', async () => {
  const { slept, clock } = fakeClock();
  let calls = 0;
  const err = await connectWithRetry(
    () => Promise.reject(new Error(`connect ECONNREFUSED 127.0.0.1:7233 #${++calls}`)),
    defaultConnectRetry,
    clock,
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectFailed);
  expect((err as ConnectFailed).message).toBe('connect ECONNREFUSED 127.0.0.1:7233 #5 (5 attempt(s) over 8s)');
  expect(slept).toEqual([500, 1000, 2000, 4000]);
});

test('each attempt is given the time left: attempts that take it all end within the budget (30 s)', async () => {
  const { slept, clock } = fakeClock();
  const given: number[] = [];
  const err = await connectWithRetry(
    async (timeLeftMs) => {
      given.push(timeLeftMs);
      await clock.sleep(Math.min(10_000, timeLeftMs)); // the CLI's attempt: at most 10 s, never past the budget
      throw new Error('Failed to connect before the deadline');
    },
    defaultConnectRetry,
    clock,
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectFailed);
  // 10 s, +0.5 s, 10 s, +1 s, then the 8.5 s left: was a third attempt of 10 s, ending after 31.5 s.
  expect(given).toEqual([30_000, 19_500, 8_500]);
  expect(slept.reduce((a, b) => a + b, 0)).toBe(30_000);
  expect((err as ConnectFailed).message).toBe('Failed to connect before the deadline (3 attempt(s) over 30s)');
});

test("the worker's retry: each refused attempt is told, waits grow to 15 s, it gives up after 2 min", async () => {
  const { slept, clock } = fakeClock();
  const told: { attempt: number; waitMs: number }[] = [];
  const err = await connectWithRetry(
    () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:7233')),
    { ...workerConnectRetry, onRetry: ({ attempt, waitMs }) => told.push({ attempt, waitMs }) },
    clock,
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectFailed);
  expect(told.map((t) => t.waitMs)).toEqual(slept);
  expect(told.map((t) => t.attempt)).toEqual(slept.map((_, i) => i + 1));
  expect(slept.slice(0, 5)).toEqual([1_000, 2_000, 4_000, 8_000, 15_000]);
  const waited = slept.reduce((a, b) => a + b, 0);
  expect(waited).toBeLessThan(workerConnectRetry.budgetMs);
  expect(waited).toBeGreaterThanOrEqual(workerConnectRetry.budgetMs - 15_000);
  expect((err as ConnectFailed).attempts).toBe(slept.length + 1);
});
