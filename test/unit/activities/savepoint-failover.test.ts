/**
 * A savepoint trigger Flink FAILED: failed in a failover (the detail that lets the workflow try a new trigger id)
 * or refused (fails at once, as before). The pure verdict (savepoint-failover.ts), then the real takeSavepoint
 * over the mock Flink: the failover detail only with the job's own evidence, found within the look (FAILOVER_LOOK_MS).
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType, savepointFailoverDetail } from '../../../src/contract/failures';
import { failedSavepointVerdict, restartBySnapshot } from '../../../src/activities/savepoint-failover';
import { FAILOVER_LOOK_MS } from '../../../src/activities/savepoint';
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';

const app = { namespace: 'default', name: 'counter' };
const jobId = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const triggerId = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const triggerFailure = 'org.apache.flink.runtime.checkpoint.CheckpointException: Trigger checkpoint failure.';
const suspending = 'org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint Coordinator is suspending.';

describe('failedSavepointVerdict', () => {
  const running = { state: 'RUNNING' as const, timestamps: { RUNNING: 1_000 } };

  test('the job RESTARTING or recovering: a failover, whatever the cause says (unless it refuses)', () => {
    for (const state of ['RESTARTING', 'INITIALIZING', 'CREATED', 'RECONCILING'] as const) {
      expect(failedSavepointVerdict({ cause: triggerFailure, job: { state, timestamps: {} } })).toEqual({
        kind: 'failover',
        evidence: `the job is ${state}`,
      });
    }
    expect(
      failedSavepointVerdict({ cause: 'java.lang.Exception: boom', job: { state: 'RESTARTING', timestamps: {} } }),
    ).toMatchObject({ kind: 'failover' });
  });

  test('RUNNING again, restarted after the trigger (Flink’s clock): a failover, saying when', () => {
    const job = { state: 'RUNNING' as const, timestamps: { RESTARTING: 5_000, RUNNING: 6_000 } };
    expect(failedSavepointVerdict({ cause: suspending, job, triggeredAt: 4_000 })).toEqual({
      kind: 'failover',
      evidence: `the job restarted since the trigger (RESTARTING at ${new Date(5_000).toISOString()})`,
    });
    // A restart before the trigger is no evidence; a trigger of an earlier attempt (no time) neither.
    expect(
      failedSavepointVerdict({ cause: 'x: Checkpoint expired before completing.', job, triggeredAt: 7_000 }),
    ).toEqual({ kind: 'refused' });
    expect(failedSavepointVerdict({ cause: 'x: Checkpoint expired before completing.', job })).toEqual({
      kind: 'refused',
    });
  });

  test('a refusal in the cause or its Caused-by chain: refused, even with the job restarting', () => {
    const refusals = [
      'java.lang.UnsupportedOperationException: savepoints are not supported for this job',
      'java.lang.IllegalStateException: No savepoint directory configured',
      'java.io.IOException: Permission denied',
      'java.nio.file.AccessDeniedException: /flink/savepoints',
      'java.io.FileNotFoundException: /nowhere/savepoints (No such file or directory)',
      'org.apache.flink.core.fs.UnsupportedFileSystemSchemeException: Could not find a file system for scheme s4',
    ];
    for (const cause of refusals) {
      expect(failedSavepointVerdict({ cause, job: { state: 'RESTARTING', timestamps: {} } })).toEqual({
        kind: 'refused',
      });
    }
    expect(
      failedSavepointVerdict({
        cause: triggerFailure,
        causedBy: ['java.io.IOException: Failed to create directory /flink/savepoints: Permission denied'],
        job: { state: 'RESTARTING', timestamps: {} },
      }),
    ).toEqual({ kind: 'refused' });
  });

  test('RUNNING, no restart seen: a failover’s cause is looked at again, any other is refused', () => {
    expect(failedSavepointVerdict({ cause: triggerFailure, job: running, triggeredAt: 2_000 })).toMatchObject({
      kind: 'undecided',
    });
    expect(failedSavepointVerdict({ cause: suspending, job: running })).toMatchObject({ kind: 'undecided' });
    expect(failedSavepointVerdict({ cause: 'x: Checkpoint was declined.', job: running })).toEqual({
      kind: 'refused',
    });
    expect(failedSavepointVerdict({ cause: triggerFailure, job: { state: 'FAILING', timestamps: {} } })).toMatchObject({
      kind: 'undecided',
    });
    for (const state of ['FAILED', 'CANCELED', 'CANCELLING', 'SUSPENDED'] as const) {
      expect(failedSavepointVerdict({ cause: triggerFailure, job: { state, timestamps: {} } })).toEqual({
        kind: 'refused',
      });
    }
  });
});

/** What Flink's exception history holds when a task declines a canonical savepoint of async state (Flink 2.2). */
const declined =
  'java.io.IOException: Could not perform checkpoint 5 for operator Flat Map -> Sink: Print to Std. Out (2/2)#0.\n' +
  '\tat org.apache.flink.streaming.runtime.tasks.StreamTask.triggerCheckpointOnBarrier(StreamTask.java:1450)\n' +
  'Caused by: org.apache.flink.runtime.checkpoint.CheckpointException: Could not complete snapshot 5 for operator ' +
  'Flat Map -> Sink: Print to Std. Out (2/2)#0. Failure reason: Checkpoint was declined.\n' +
  'Caused by: java.lang.UnsupportedOperationException: Not supported yet.\n\t... 20 more';

describe('restartBySnapshot', () => {
  const entry = (stacktrace: string, timestamp: number) => ({ exceptionName: 'x', stacktrace, timestamp });

  test('a restart since the trigger caused by a task failing the checkpoint: its first line and root cause', () => {
    expect(restartBySnapshot([entry(declined, 2_000)], 1_000)).toBe(
      'java.io.IOException: Could not perform checkpoint 5 for operator Flat Map -> Sink: Print to Std. Out ' +
        '(2/2)#0.; Caused by: java.lang.UnsupportedOperationException: Not supported yet.',
    );
    // Among the concurrent exceptions of the entry too.
    const root = {
      ...entry('java.lang.RuntimeException: boom', 2_000),
      concurrentExceptions: [entry(declined, 2_000)],
    };
    expect(restartBySnapshot([root], 1_000)).toMatch(/Not supported yet/);
  });

  test('none since the trigger, or another cause: undefined; no trigger time: the newest entry only', () => {
    expect(restartBySnapshot([entry(declined, 500)], 1_000)).toBeUndefined();
    const lost = entry('org.apache.flink.runtime.jobmaster.JobMasterException: TaskManager is no longer reachable', 2);
    expect(restartBySnapshot([lost], 1)).toBeUndefined();
    expect(restartBySnapshot([lost, entry(declined, 1)], undefined)).toBeUndefined();
    expect(restartBySnapshot([entry(declined, 1), lost], undefined)).toMatch(/Could not perform checkpoint 5/);
  });
});

describe('takeSavepoint, a trigger Flink FAILED', () => {
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

  test('while the job went RESTARTING: SavepointFailed with the failover detail (trigger, cause, bound)', async () => {
    h = activityHarness();
    const job = h.flink.runJob(jobId);
    h.flink.savepoints.failure = triggerFailure;
    h.atPoll(1, () => (job.state = 'RESTARTING')); // the TaskManager cut off: the job fails over

    const failure = await failureOf(takeSavepoint());

    expect(failure).toMatchObject({ type: FailureType.SavepointFailed, nonRetryable: true });
    expect(failure.message).toBe(
      `stop-with-savepoint of job ${jobId} (default/counter, trigger ${triggerId}) failed while the job was ` +
        `failing over (the job is RESTARTING): ${triggerFailure}`,
    );
    expect(savepointFailoverDetail(failure.details)).toEqual({
      kind: 'savepoint-failed-in-failover',
      triggerId,
      cause: triggerFailure,
      evidence: 'the job is RESTARTING',
      attempts: 3,
    });
    expect(h.flink.count('POST', /\/stop$/)).toBe(1); // never a second trigger with the failed id
  });

  test('the job still RUNNING, RESTARTING within the look: the failover detail, found by looking again', async () => {
    h = activityHarness({ msPerPoll: 5_000 });
    const job = h.flink.runJob(jobId);
    h.flink.savepoints.failure = suspending;
    h.atPoll(3, () => (job.state = 'RESTARTING')); // 2 looks at a RUNNING job, then the restart shows

    const failure = await failureOf(takeSavepoint(false));

    expect(savepointFailoverDetail(failure.details)).toMatchObject({ evidence: 'the job is RESTARTING' });
    expect(h.heartbeats).toContainEqual(
      `savepoint trigger failed (${suspending}); the job is RUNNING; looking for the restart of a failover`,
    );
    expect(h.elapsedMs()).toBeLessThan(FAILOVER_LOOK_MS);
  });

  /** A trigger Flink fails at once, the job RUNNING until poll `poll` (5 s apart) shows it RESTARTING. */
  async function restartingAtPoll(poll: number, jobManagerConfig?: Record<string, string>) {
    h = activityHarness({ msPerPoll: 5_000 });
    if (jobManagerConfig) h.flink.jobManagerConfig = jobManagerConfig;
    const job = h.flink.runJob(jobId, { timestamps: { RUNNING: 1 } });
    h.flink.savepoints.failure = triggerFailure;
    let shownAtMs = 0;
    h.atPoll(poll, () => {
      job.state = 'RESTARTING';
      shownAtMs = h.elapsedMs();
    });
    return { failure: await failureOf(takeSavepoint()), shownAtMs };
  }

  test('a TaskManager cut off from its JobManager: RESTARTING 45 s after the failed trigger, a failover', async () => {
    // Fault matrix upgrade-session-job/Savepointing/node-agent-restart (2026-12-03): the JobManager could not reach
    // the TaskManager, failed the trigger at once ("Trigger checkpoint failure.", RecipientUnreachable) and saw the
    // job RUNNING until the TaskManager registered again and the job failed over, 41 s later (a lost TaskManager
    // shows within Flink's heartbeat.timeout, 50 s by default). A 30 s look had refused it by then.
    const { shownAtMs, failure } = await restartingAtPoll(9);

    expect(shownAtMs).toBeGreaterThanOrEqual(45_000);
    expect(savepointFailoverDetail(failure.details)).toMatchObject({ evidence: 'the job is RESTARTING' });
  });

  test("the look is the cluster's heartbeat.timeout and a margin: RESTARTING 100 s after, with 120 s", async () => {
    const { shownAtMs, failure } = await restartingAtPoll(20, { 'heartbeat.timeout': '120 s' });

    expect(shownAtMs).toBeGreaterThanOrEqual(100_000);
    expect(savepointFailoverDetail(failure.details)).toMatchObject({ evidence: 'the job is RESTARTING' });
  });

  test('RUNNING again already, its RESTARTING after the trigger in Flink’s clock: the failover detail', async () => {
    h = activityHarness();
    const job = h.flink.runJob(jobId);
    h.flink.savepoints.failure = suspending;
    h.atPoll(1, () => (job.timestamps = { RESTARTING: Date.now() + 5, RUNNING: Date.now() + 10 }));

    const failure = await failureOf(takeSavepoint());

    expect(savepointFailoverDetail(failure.details)?.evidence).toMatch(
      /^the job restarted since the trigger \(RESTARTING at /,
    );
  });

  test('a failover’s cause, the job RUNNING without a restart for the whole look: refused as Flink said', async () => {
    h = activityHarness({ msPerPoll: 5_000 });
    h.flink.runJob(jobId, { timestamps: { RUNNING: 1 } });
    h.flink.savepoints.failure = triggerFailure;

    const failure = await failureOf(takeSavepoint());

    expect(failure.message).toBe(
      `stop-with-savepoint of job ${jobId} (default/counter, trigger ${triggerId}) failed: ${triggerFailure}`,
    );
    expect(failure.details ?? []).toEqual([]);
    expect(h.elapsedMs()).toBeGreaterThanOrEqual(FAILOVER_LOOK_MS);
    expect(h.elapsedMs()).toBeLessThanOrEqual(FAILOVER_LOOK_MS + 10_000);
  });

  test('a refusal fails at once, with Flink’s message, though the job restarts', async () => {
    h = activityHarness({ msPerPoll: 5_000 });
    const job = h.flink.runJob(jobId);
    const refusal = 'java.lang.IllegalStateException: No savepoint directory configured';
    h.flink.savepoints.failure = refusal;
    h.atPoll(1, () => (job.state = 'RESTARTING'));

    const failure = await failureOf(takeSavepoint());

    expect(failure.message).toBe(
      `stop-with-savepoint of job ${jobId} (default/counter, trigger ${triggerId}) failed: ${refusal}`,
    );
    expect(savepointFailoverDetail(failure.details)).toBeUndefined();
    expect(h.flink.count('GET', new RegExp(`^/jobs/${jobId}$`))).toBe(2); // before the trigger, after the failure
  });

  test('a refusal said only in the Caused-by chain (as Flink wraps it in "Trigger checkpoint failure")', async () => {
    h = activityHarness();
    const job = h.flink.runJob(jobId);
    h.flink.savepoints.failure = `${triggerFailure}\nCaused by: java.io.IOException: mkdir /sp: Permission denied`;
    h.atPoll(1, () => (job.state = 'RESTARTING'));

    const failure = await failureOf(takeSavepoint());

    expect(failure.message).toMatch(/failed: org\.apache\.flink\.runtime\.checkpoint\.CheckpointException: Trigger/);
    expect(savepointFailoverDetail(failure.details)).toBeUndefined();
  });

  test('the job restarted because a task failed the savepoint itself: refused, saying so (no retry)', async () => {
    h = activityHarness();
    const job = h.flink.runJob(jobId);
    h.flink.savepoints.failure = suspending;
    h.atPoll(1, () => {
      h.flink.restart(jobId, declined);
      job.state = 'RESTARTING';
    });

    const failure = await failureOf(takeSavepoint());

    expect(failure).toMatchObject({ type: FailureType.SavepointFailed, nonRetryable: true });
    expect(failure.message).toBe(
      `stop-with-savepoint of job ${jobId} (default/counter, trigger ${triggerId}) failed: ${suspending}; the job ` +
        'restarted because a task failed in the savepoint itself (java.io.IOException: Could not perform ' +
        'checkpoint 5 for operator Flat Map -> Sink: Print to Std. Out (2/2)#0.; Caused by: ' +
        'java.lang.UnsupportedOperationException: Not supported yet.), so another trigger would restart it again',
    );
    expect(savepointFailoverDetail(failure.details)).toBeUndefined();
  });

  test('savepoint.failoverAttempts is the bound the detail carries', async () => {
    h = activityHarness({ config: { savepointFailoverAttempts: 5 } });
    h.flink.runJob(jobId, { state: 'RUNNING' });
    h.flink.savepoints.failure = triggerFailure;
    h.atPoll(1, () => (h.flink.job(jobId).state = 'RECONCILING'));

    const failure = await failureOf(takeSavepoint());

    expect(savepointFailoverDetail(failure.details)).toMatchObject({ attempts: 5, evidence: 'the job is RECONCILING' });
  });
});
