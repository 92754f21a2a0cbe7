/**
 * takeSavepoint, the real activity over the mock Flink: every branch a retry after a crash can
 * meet (trigger known, job already FINISHED, trigger expired), the wait for deploying tasks
 * (bounded), and the failures it must classify.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../../src/contract/failures';
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';
import { SAVEPOINT_DIR } from '../../support/mock-flink';

const app = { namespace: 'default', name: 'counter' };
const jobId = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const triggerId = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const stopPath = new RegExp(`^/jobs/${jobId}/stop$`);
const statusPath = new RegExp(`^/jobs/${jobId}/savepoints/${triggerId}$`);

let h: ActivityHarness;
afterEach(() => h.close());

const takeSavepoint = (stop = true) => h.run('takeSavepoint', { app, jobId, triggerId, stop });

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

test(
  'a trigger Flink does not know: stop-with-savepoint is triggered once, with our trigger id, and polled to ' +
    'completion',
  async () => {
    h = activityHarness();
    h.flink.runJob(jobId);
    h.flink.savepoints.polls = 2;

    const taken = await takeSavepoint();

    expect(taken).toEqual({
      location: `${SAVEPOINT_DIR}/savepoint-0a1b2c-${triggerId.slice(0, 12)}`,
      recovered: false,
    });
    expect(h.flink.requests.filter((r) => stopPath.test(r.path))).toEqual([
      { method: 'POST', path: `/jobs/${jobId}/stop`, body: expect.objectContaining({ triggerId, drain: false }) },
    ]);
    expect(h.flink.job(jobId).state).toBe('FINISHED');
    expect(h.heartbeats).toEqual(['savepoint in progress', 'savepoint in progress']);
  },
);

test('a savepoint that keeps the job running uses the savepoints endpoint, not stop', async () => {
  h = activityHarness();
  h.flink.runJob(jobId);

  const taken = await takeSavepoint(false);

  expect(taken.recovered).toBe(false);
  expect(h.flink.count('POST', new RegExp(`^/jobs/${jobId}/savepoints$`))).toBe(1);
  expect(h.flink.count('POST', stopPath)).toBe(0);
  expect(h.flink.job(jobId).state).toBe('RUNNING');
});

test(
  'a retry whose trigger Flink already knows polls that ' + 'same trigger id and never triggers a second time',
  async () => {
    h = activityHarness();
    h.flink.runJob(jobId);
    h.flink.knownTrigger(jobId, triggerId, { stop: true, polls: 3 });

    const taken = await takeSavepoint();

    expect(taken.location).toContain(triggerId.slice(0, 12));
    expect(h.flink.count('POST', /\/(stop|savepoints)$/)).toBe(0);
    expect(h.flink.count('GET', statusPath)).toBe(4); // 3 in progress (the first look included), then completed
    expect(h.flink.job(jobId).state).toBe('FINISHED');
  },
);

test('a retry whose trigger already completed answers its savepoint as recovered, asking nothing else', async () => {
  h = activityHarness();
  h.flink.runJob(jobId);
  h.flink.knownTrigger(jobId, triggerId, { stop: true, polls: 0 });

  const taken = await takeSavepoint();

  expect(taken).toMatchObject({ recovered: true });
  expect(h.flink.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /jobs/${jobId}/savepoints/${triggerId}`]);
});

test(
  'the job already FINISHED (the stop completed, Flink forgot the trigger): its savepoint is found, nothing ' +
    'triggered',
  async () => {
    h = activityHarness();
    h.flink.runJob(jobId, { state: 'FINISHED', latestSavepoint: 'file:///flink/savepoints/savepoint-0a1b2c-earlier' });

    const taken = await takeSavepoint();

    expect(taken).toEqual({ location: 'file:///flink/savepoints/savepoint-0a1b2c-earlier', recovered: true });
    expect(h.flink.count('POST', /.*/)).toBe(0);
  },
);

test('the job FINISHED without a savepoint: SavepointFailed, nothing triggered', async () => {
  h = activityHarness();
  h.flink.runJob(jobId, { state: 'FINISHED' });

  const failure = await failureOf(takeSavepoint());

  expect(failure).toMatchObject({ type: FailureType.SavepointFailed, nonRetryable: true });
  expect(failure.message).toContain('the job is FINISHED but reports no savepoint');
  expect(h.flink.count('POST', /.*/)).toBe(0);
});

test(
  'the trigger expires while polled but the stop finished ' + 'the job: the savepoint of the FINISHED job is used',
  async () => {
    h = activityHarness();
    h.flink.runJob(jobId);
    h.flink.savepoints.polls = 5;
    h.atPoll(2, () => {
      h.flink.forgetTriggers();
      Object.assign(h.flink.job(jobId), { state: 'FINISHED', latestSavepoint: 'file:///flink/savepoints/from-stats' });
    });

    const taken = await takeSavepoint();

    expect(taken).toEqual({ location: 'file:///flink/savepoints/from-stats', recovered: true });
    expect(h.flink.count('POST', stopPath)).toBe(1);
  },
);

test(
  'the trigger forgotten while the job still RUNS (a new JobManager): the same trigger id is sent again and ' +
    'polled to one savepoint',
  async () => {
    h = activityHarness();
    h.flink.runJob(jobId);
    h.flink.savepoints.polls = 5;
    h.atPoll(2, () => h.flink.forgetTriggers());

    const taken = await takeSavepoint();

    expect(taken).toEqual({ location: expect.stringContaining(triggerId.slice(0, 12)), recovered: false });
    const triggers = h.flink.requests.filter((r) => r.method === 'POST' && stopPath.test(r.path));
    expect(triggers.map((r) => (r.body as { triggerId: string }).triggerId)).toEqual([triggerId, triggerId]);
    expect(h.heartbeats).toContainEqual(
      `waiting for the JobManager (failover?): Flink no longer knows trigger ${triggerId} and the job is RUNNING`,
    );
    expect(h.flink.job(jobId).state).toBe('FINISHED');
  },
);

test('a savepoint Flink declines: SavepointFailed with Flink’s cause', async () => {
  h = activityHarness();
  h.flink.runJob(jobId);
  h.flink.savepoints.failure =
    'org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired before completing.';

  const failure = await failureOf(takeSavepoint());

  expect(failure.type).toBe(FailureType.SavepointFailed);
  expect(failure.message).toContain(
    'failed: org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired',
  );
});

test('tasks still deploying are waited for before the trigger (Flink would decline it)', async () => {
  h = activityHarness({ msPerPoll: 1000 });
  const job = h.flink.runJob(jobId, {
    vertices: [
      { name: 'Source: keys', status: 'RUNNING' },
      { name: 'Count per key -> Sink', status: 'DEPLOYING' },
    ],
  });
  h.atPoll(3, () => job.vertices.forEach((v) => (v.status = 'RUNNING')));

  const taken = await takeSavepoint();

  expect(taken.recovered).toBe(false);
  expect(h.heartbeats.slice(0, 3)).toEqual(Array(3).fill('tasks not running yet: Count per key -> Sink DEPLOYING'));
  const paths = h.flink.requests.map((r) => `${r.method} ${r.path}`);
  expect(paths.indexOf(`POST /jobs/${jobId}/stop`)).toBeGreaterThan(paths.lastIndexOf(`GET /jobs/${jobId}`));
  expect(h.flink.count('GET', new RegExp(`^/jobs/${jobId}$`))).toBe(5); // before, 3 deploying, running
});

test('tasks that never leave DEPLOYING: SavepointFailed after the 120 s bound, nothing triggered', async () => {
  h = activityHarness({ msPerPoll: 10_000 });
  h.flink.runJob(jobId, { vertices: [{ name: 'Source: keys', status: 'DEPLOYING' }] });

  const failure = await failureOf(takeSavepoint());

  expect(failure.type).toBe(FailureType.SavepointFailed);
  expect(failure.message).toContain('tasks not running yet: Source: keys DEPLOYING for 120s');
  expect(h.elapsedMs()).toBeGreaterThanOrEqual(120_000);
  expect(h.elapsedMs()).toBeLessThanOrEqual(130_000);
  expect(h.flink.count('POST', /.*/)).toBe(0);
});

test('the job failing while its tasks deploy: SavepointFailed naming the state', async () => {
  h = activityHarness({ msPerPoll: 1000 });
  const job = h.flink.runJob(jobId, { vertices: [{ name: 'Source: keys', status: 'DEPLOYING' }] });
  h.atPoll(2, () => (job.state = 'FAILED'));

  const failure = await failureOf(takeSavepoint());

  expect(failure.type).toBe(FailureType.SavepointFailed);
  expect(failure.message).toContain('the job is FAILED, not RUNNING');
  expect(h.flink.count('POST', /.*/)).toBe(0);
});

test('during a failover, a new JobManager that does not know the job yet (HA recovery) is waited for', async () => {
  h = activityHarness({ msPerPoll: 5_000 });
  h.flink.reachable = false; // the old JobManager is gone
  h.atPoll(3, () => (h.flink.reachable = true)); // the new leader answers, without the job yet
  h.atPoll(6, () => h.flink.runJob(jobId)); // recovered from HA

  const taken = await takeSavepoint(false);

  expect(taken.recovered).toBe(false);
  expect(h.heartbeats).toContainEqual(
    `waiting for the JobManager (failover?): Flink does not know job ${jobId} yet (a new JobManager recovering it?)`,
  );
  expect(h.flink.count('POST', /\/savepoints$/)).toBe(1);
});

test('a job Flink does not know: SavepointFailed', async () => {
  h = activityHarness();

  const failure = await failureOf(takeSavepoint());

  expect(failure.type).toBe(FailureType.SavepointFailed);
  expect(failure.message).toContain(`Flink does not know job ${jobId}`);
});

test(
  'Flink unreachable for longer than savepoint.failoverTimeout: SavepointFailed after the 300 s bound, ' +
    'nothing triggered',
  async () => {
    h = activityHarness({ msPerPoll: 10_000 });
    h.flink.runJob(jobId);
    h.flink.reachable = false;

    const failure = await failureOf(takeSavepoint());

    expect(failure).toMatchObject({ type: FailureType.SavepointFailed, nonRetryable: true });
    expect(failure.message).toMatch(
      /the JobManager and the job were not back after 300s \(savepoint\.failoverTimeout\); last seen: FLINK_UNREACHABLE/,
    );
    expect(h.elapsedMs()).toBeGreaterThanOrEqual(300_000);
    expect(h.elapsedMs()).toBeLessThanOrEqual(320_000);
    expect(h.flink.count('POST', /.*/)).toBe(0);
  },
);

test('a 503 while polling (a leader election) is waited out; the same trigger is polled to its end', async () => {
  h = activityHarness();
  h.flink.runJob(jobId);
  h.flink.savepoints.polls = 2;
  h.flink.inject(
    statusPath,
    { status: 503, error: 'Service temporarily unavailable due to an ongoing leader election' },
    { times: 3 },
  );

  const taken = await takeSavepoint();

  expect(taken.recovered).toBe(false);
  expect(h.flink.count('POST', stopPath)).toBe(1);
  expect(
    h.heartbeats.filter((b) => String(b).startsWith('waiting for the JobManager (failover?): FLINK_SERVER_ERROR')),
  ).toHaveLength(3);
});

test(
  'a JobManager failover mid-savepoint (HA): no endpoint, the job INITIALIZING under the new leader, the ' +
    'trigger forgotten: the same trigger id is sent once more and one savepoint is taken',
  async () => {
    h = activityHarness({ msPerPoll: 5_000 });
    const job = h.flink.runJob(jobId);
    h.flink.savepoints.polls = 3;
    h.atPoll(1, () => {
      h.flink.reachable = false; // the JobManager pod deleted
      h.flink.forgetTriggers();
    });
    h.atPoll(8, () => {
      h.flink.reachable = true; // the new leader answers; the job recovers from HA
      job.state = 'INITIALIZING';
    });
    h.atPoll(12, () => (job.state = 'RUNNING'));

    const taken = await takeSavepoint(false);

    expect(taken).toEqual({ location: expect.stringContaining(triggerId.slice(0, 12)), recovered: false });
    const triggers = h.flink.requests.filter((r) => r.method === 'POST' && r.path === `/jobs/${jobId}/savepoints`);
    expect(triggers.map((r) => (r.body as { triggerId: string }).triggerId)).toEqual([triggerId, triggerId]);
    expect(h.heartbeats).toContainEqual('waiting for the JobManager (failover?): the job is INITIALIZING');
    expect(h.elapsedMs()).toBeLessThan(300_000);
    expect(job.state).toBe('RUNNING');
  },
);
