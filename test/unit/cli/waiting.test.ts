/** The CLI's wait: its deadline holds however far it is (a Node.js timer fires at once past about 24.8 days). */
import { WaitEnd, Waiting } from '../../../src/cli/waiting';
import { memoryIo } from './memory-io';

const day = 86_400_000;

afterEach(() => jest.useRealTimers());

test('--timeout 30d waits 30 days: not ended after a second, nor after 25 days; ended at 30', () => {
  jest.useFakeTimers({ now: new Date('2026-12-04T18:00:00Z') });
  const waiting = new Waiting(memoryIo(), 30 * day);
  try {
    jest.advanceTimersByTime(1_000);
    expect(waiting.endedBy).toBeUndefined();
    jest.advanceTimersByTime(25 * day);
    expect(waiting.endedBy).toBeUndefined();
    jest.advanceTimersByTime(5 * day - 1_001);
    expect(waiting.endedBy).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(waiting.endedBy).toBe(WaitEnd.TimedOut);
    expect(waiting.signal.aborted).toBe(true);
  } finally {
    waiting.dispose();
  }
});

test('a wait of seconds ends at its deadline, and a sleep ends with it', async () => {
  jest.useFakeTimers({ now: new Date('2026-12-04T18:00:00Z') });
  const waiting = new Waiting(memoryIo(), 5_000);
  try {
    const slept = waiting.sleep(60 * day);
    jest.advanceTimersByTime(4_999);
    expect(waiting.endedBy).toBeUndefined();
    jest.advanceTimersByTime(1);
    await slept;
    expect(waiting.endedBy).toBe(WaitEnd.TimedOut);
  } finally {
    waiting.dispose();
  }
});
