/**
 * pollUntil's deadline bounds its last look: it sleeps no further than the deadline, looks once more there,
 * then throws. Before, it slept a whole interval past the deadline first (a 10 s interval, a 0.5 s deadline:
 * the error came after 10 s).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { pollUntil } from '../../../src/activities/poll';
import { quietLogger } from '../../support/quiet-logger';

const INTERVAL_MS = 10_000;
const DEADLINE_MS = 500;

test('the last look is at the deadline, not an interval past it', async () => {
  const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
  const looks: number[] = [];
  const start = Date.now();
  const deadline = start + DEADLINE_MS;

  const waited = env.run(() =>
    pollUntil<void>({
      intervalMs: INTERVAL_MS,
      deadline,
      check: () => {
        looks.push(Date.now());
        return Promise.resolve({ done: false, seen: `look ${looks.length}` });
      },
      onDeadline: (seen) => new Error(`deadline passed; last seen: ${seen}`),
    }),
  );

  await expect(waited).rejects.toThrow('deadline passed; last seen: look 2');
  expect(looks).toHaveLength(2);
  expect(looks[1]).toBeGreaterThanOrEqual(deadline);
  // Half an interval of slack for a loaded machine; before, the second look came a whole interval after the first.
  expect(looks[1]! - start).toBeLessThan(INTERVAL_MS / 2);
}, 30_000);
