/** The CLI's first Temporal connection: retried with the bounded backoff, then the last error with the count. */
import { connectWithRetry, ConnectFailed, defaultConnectRetry } from '../../../src/cli/connect-retry';

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

test('the budget bounds the retries when each attempt is slow (a 10 s connect timeout)', async () => {
  const { slept, clock } = fakeClock();
  let calls = 0;
  const err = await connectWithRetry(
    async () => {
      calls++;
      await clock.sleep(10_000);
      throw new Error('Failed to connect before the deadline');
    },
    defaultConnectRetry,
    clock,
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectFailed);
  expect(calls).toBe(3); // 10 s, +0.5 s, 10 s, +1 s, 10 s: the next would start after 30 s
  expect(slept.filter((ms) => ms !== 10_000)).toEqual([500, 1000]);
});
