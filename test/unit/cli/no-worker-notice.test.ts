import { NO_WORKER_NOTICE_MS, NoWorkerNotice } from '../../../src/cli/no-worker-notice';

const where = { taskQueue: 'flink-deploy', temporalNamespace: 'default' };

function notice(): { said: string[]; notice: NoWorkerNotice } {
  const said: string[] = [];
  return { said, notice: new NoWorkerNotice({ say: (text) => said.push(text) }, where, 'the rollout') };
}

beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-04T18:00:00Z') }));
afterEach(() => jest.useRealTimers());

test('a task waiting for a worker longer than the notice time is told of once, naming where and what', () => {
  const { said, notice: n } = notice();
  n.saw(true);
  jest.advanceTimersByTime(NO_WORKER_NOTICE_MS - 1);
  n.check();
  expect(said).toEqual([]);
  jest.advanceTimersByTime(1);
  n.saw(undefined);
  n.check();
  jest.advanceTimersByTime(60_000);
  n.saw(true);
  n.check();
  expect(said).toHaveLength(1);
  expect(said[0]).toMatch(/^no worker has picked the rollout up for 15s: /);
  expect(said[0]).toContain('task queue flink-deploy (Temporal namespace default)');
  expect(said[0]).toContain('the rollout goes on when one does');
});

test('a worker that picks the task up starts the count again', () => {
  const { said, notice: n } = notice();
  n.saw(true);
  jest.advanceTimersByTime(NO_WORKER_NOTICE_MS - 1_000);
  n.saw(false);
  jest.advanceTimersByTime(5_000);
  n.saw(true);
  jest.advanceTimersByTime(NO_WORKER_NOTICE_MS - 1_000);
  n.check();
  expect(said).toEqual([]);
  jest.advanceTimersByTime(1_000);
  n.check();
  expect(said).toHaveLength(1);
});

test('nothing is told while no task was seen waiting', () => {
  const { said, notice: n } = notice();
  jest.advanceTimersByTime(10 * NO_WORKER_NOTICE_MS);
  n.check();
  n.saw(undefined);
  expect(said).toEqual([]);
});
