/**
 * Suspend and resume on the whole local stack, with the stateful counter job: suspend leaves
 * no pod and no Flink process and keeps the record with its savepoint; resume restores from
 * THAT savepoint (Flink's latest.restored) and the counter goes on instead of starting over.
 */
import {
  appPodUids,
  continuity,
  countsByKey,
  E2eEnv,
  eventually,
  flinkOf,
  liveProcessesOfPods,
  markOutput,
  newCountsOfEveryKey,
  podNames,
  readRecord,
  removeApp,
  sameLocation,
} from '../support/e2e';

const env = new E2eEnv('e2e-suspend');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

test(
  'suspend stops the job with a savepoint and removes every process; resume restores from that savepoint and ' +
    'the counter continues',
  async () => {
    const app = 'pausable';
    expect((await env.cli(['apply', '-f', env.manifest(app), '--wait', '--timeout', '5m'])).code).toBe(0);
    const running = await readRecord(env.namespace, app);
    const out = env.outputDir(app);
    await newCountsOfEveryKey(out);
    const oldFlink = await flinkOf(env.namespace, app);
    const uids = await appPodUids(env.namespace, app);
    expect(liveProcessesOfPods(uids).length).toBeGreaterThan(0);

    const suspended = await env.cli(['suspend', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(suspended.code).toBe(0);

    // Kubernetes: no pod of the app left; the host: none of their processes; Flink: nothing answers.
    await eventually(
      'pods of the app gone',
      async () => ((await podNames(env.namespace)).some((p) => p.startsWith(`${app}-`)) ? undefined : true),
      60_000,
    );
    await eventually(
      'no process of the app left',
      async () => (liveProcessesOfPods(uids).length === 0 ? true : undefined),
      60_000,
    );
    await expect(oldFlink.listJobs({ timeoutMs: 2_000 })).rejects.toBeDefined();
    // The record stays, with the suspend savepoint of the job that ran, on disk.
    const record = await readRecord(env.namespace, app);
    expect(record.status).toBe('suspended');
    expect(record.operation).toBeNull();
    const savepoint = record.savepoints.find((s) => s.kind === 'suspend');
    expect(savepoint).toMatchObject({ jobId: running.jobId, disposed: false });
    // The old job's processes are gone: what it wrote is final, and what comes after is the resumed job's.
    const before = countsByKey(out);
    const mark = markOutput(out);

    const resumed = await env.cli(['resume', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(resumed.code).toBe(0);

    const after = await readRecord(env.namespace, app);
    expect(after.status).toBe('running');
    expect(after.jobId).not.toBe(running.jobId);
    expect(sameLocation(after.restoredFrom, savepoint!.location)).toBe(true);
    const flink = await flinkOf(env.namespace, app);
    expect((await flink.jobDetails(after.jobId!)).state).toBe('RUNNING');
    const restored = (await flink.checkpoints(after.jobId!)).latestRestored;
    expect(restored?.isSavepoint).toBe(true);
    expect(sameLocation(restored?.externalPath, savepoint!.location)).toBe(true);
    // The counter continued: suspend stopped the job with the savepoint, so its last count of each
    // key is the savepoint's; the resumed job's first count of EVERY key is that + 1.
    const keys = continuity(before, await newCountsOfEveryKey(out, { since: mark }));
    expect(keys).toEqual(keys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));
    await removeApp(env.namespace, app);
  },
);
