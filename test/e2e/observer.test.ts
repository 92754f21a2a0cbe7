/**
 * Issue 10 §3, on the local stack with the stateful counter job: a job that fails terminally at
 * steady state is seen by the observer within two sweeps (`status` shows it, an Event names it),
 * and with `onJobFailure: restart` it runs again from its latest checkpoint, the counts going on.
 * The job is the counter's "broken version" that fails after 300 records per subtask (about 30 s
 * after it starts, once the 5 s stability window has passed), with no Flink restarts.
 */
import { core, countsByKey, E2eEnv, eventually, flinkOf, readRecord, removeApp } from '../support/e2e';

const INTERVAL_S = 3;
const env = new E2eEnv('e2e-observer');
env.extraEnv = { FLINK_DEPLOY_OBSERVE_INTERVAL: `${INTERVAL_S}s` };
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const wait = ['--wait', '--timeout', '5m'];

async function eventReasons(app: string): Promise<string[]> {
  const events = await core.listNamespacedEvent({ namespace: env.namespace });
  return events.items
    .filter((e) => e.involvedObject.name === `${app}-jobmanager` && e.reportingInstance === 'flink-deploy-observer')
    .map((e) => `${e.reason}: ${e.message}`);
}

test(
  'a job FAILED at steady state: status and an Event within ' + 'two sweeps, then restarted from its checkpoint',
  async () => {
    const app = 'fails';
    const manifest = env.manifest(app, {
      extraArgs: ['--fail-after-records', '300', '--restart-attempts', '0'],
      windowSeconds: 5,
      onJobFailure: 'restart',
    });
    expect((await env.cli(['apply', '-f', manifest, ...wait])).code).toBe(0);
    const first = await readRecord(env.namespace, app);

    // Flink's own word that the job FAILED, sampled every 250 ms (it is brief: the restart follows).
    const flink = await flinkOf(env.namespace, app);
    let failedAt: number | undefined;
    const seen = await eventually(
      'the observer records the job failed',
      async () => {
        if (failedAt === undefined) {
          const state = await flink.jobDetails(first.jobId!).then(
            (d) => d.state as string,
            () => undefined,
          );
          if (state === 'FAILED') failedAt = Date.now();
        }
        const observed = (await readRecord(env.namespace, app)).observed;
        return observed?.health === 'failed' && observed.jobId === first.jobId ? observed : undefined;
      },
      120_000,
    );
    // `status` shows it (the restart, once started, holds the lock: the observation stays until it ends).
    const status = JSON.parse((await env.cli(['status', app, '-n', env.namespace, '--output', 'json'])).stdout);
    expect(status.observed).toMatchObject({ health: 'failed', jobId: first.jobId, since: seen.since });
    expect(status.observed.lastCheckpoint?.location).toMatch(/chk-\d+/);
    expect(failedAt).toBeDefined();
    const detectedMs = Date.parse(seen.since) - failedAt!;
    console.log(`observer: Flink reported FAILED → observed failed ${detectedMs} ms later (interval ${INTERVAL_S}s)`);
    expect(detectedMs).toBeLessThanOrEqual(2 * INTERVAL_S * 1000);
    expect(await eventReasons(app)).toContainEqual(
      expect.stringMatching(new RegExp(`^JobFailed: job ${first.jobId} FAILED`)),
    );

    // onJobFailure: restart → a restart operation under the lock, from that job's latest checkpoint.
    // On a timeout, the message shows where the application stands (status, lock, last operations, observation).
    let lastSeen = '';
    const restarted = await eventually(
      'a restart from the checkpoint succeeded',
      async () => {
        const record = await readRecord(env.namespace, app);
        const done = record.history.find((h) => h.type === 'restart' && h.outcome === 'succeeded');
        lastSeen = JSON.stringify({
          status: record.status,
          jobId: record.jobId,
          operation: record.operation,
          history: record.history.slice(-3),
          observed: record.observed,
        });
        return done ? record : undefined;
      },
      300_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; the record last said ${lastSeen}`);
    });
    expect(restarted.jobId).not.toBe(first.jobId);
    expect(restarted.restoredFrom).toMatch(new RegExp(`/${first.jobId}/chk-\\d+/?$`));
    // The counts continued: no key started over at 1 a second time.
    for (const [key, counts] of countsByKey(env.outputDir(app)))
      expect({ key, ones: counts.filter((c) => c === 1).length }).toEqual({ key, ones: 1 });
    await removeApp(env.namespace, app);
  },
);
