/**
 * Flink 1.20 (the LTS most fleets run) on the whole local stack: one counter application
 * (`flinkVersion: v1_20`, `image: flink:1.20`, the counter job built against 1.20) taken through
 * deploy, a savepoint upgrade, suspend/resume and an automatic rollback. Each restore is proven
 * from Flink 1.20's own answer (latest.restored) and from the job's output: no key starts over.
 */
import {
  type CliResult,
  continuity,
  countsByKey,
  E2eEnv,
  flinkOf,
  markOutput,
  newCountsOfEveryKey,
  readRecord,
  removeApp,
  sameLocation,
} from '../support/e2e';

const env = new E2eEnv('e2e-flink120');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const app = 'lts';
// A stability timeout for a loaded machine (JobManager and TaskManager JVMs started at load 20-30 took over 150 s).
const on120 = { flinkVersion: 'v1_20', image: 'flink:1.20', jar: 'counter-job-1.20.jar', timeoutSeconds: 300 } as const;

/** The CLI's exit code; on another code, fails showing what the CLI said. */
function expectExit(result: CliResult, code: number): void {
  if (result.code !== code) throw new Error(`exit ${result.code}, expected ${code}:\n${result.stdout}${result.stderr}`);
}

/** Every key's first new count is the restored state's count + 1 (a stop-with-savepoint's last count). */
function expectContinued(before: Map<number, number[]>, after: Map<number, number[]>): void {
  const keys = continuity(before, after);
  expect(keys).toEqual(keys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));
  expect(keys.every((k) => k.lastOld! > 1)).toBe(true);
}

/** Flink (the running job's JobManager) says the job was restored from `location`, a savepoint. */
async function expectRestoredFrom(jobId: string, location: string | undefined): Promise<void> {
  const flink = await flinkOf(env.namespace, app);
  expect((await flink.version()).raw).toMatch(/^1\.20\./);
  expect((await flink.jobDetails(jobId)).state).toBe('RUNNING');
  const restored = (await flink.checkpoints(jobId)).latestRestored;
  expect(restored?.isSavepoint).toBe(true);
  expect(sameLocation(restored?.externalPath, location)).toBe(true);
}

// Five operations, each starting JobManager and TaskManager JVMs: 445 s measured at load 25.
test(
  'Flink 1.20: deploy, savepoint upgrade, suspend/resume, rollback; each restore continues the counts',
  async () => {
    const apply = (manifest: string) => env.cli(['apply', '-f', manifest, '--wait', '--timeout', '10m']);
    const out1 = env.outputDir(app, 'gen-1');
    const deployed = await apply(env.manifest(app, { ...on120, parallelism: 2, output: out1 }));
    expectExit(deployed, 0);
    const first = await readRecord(env.namespace, app);
    expect(first.status).toBe('running');
    const flink = await flinkOf(env.namespace, app);
    expect((await flink.version()).raw).toMatch(/^1\.20\./);
    await newCountsOfEveryKey(out1);

    // Savepoint upgrade (parallelism 2 → 3): restored from THAT savepoint; every key continues.
    const out2 = env.outputDir(app, 'gen-2');
    expectExit(await apply(env.manifest(app, { ...on120, parallelism: 3, output: out2 })), 0);
    const upgraded = await readRecord(env.namespace, app);
    const upgradeSavepoint = upgraded.savepoints.find((s) => s.kind === 'upgrade');
    expect(upgradeSavepoint?.jobId).toBe(first.jobId);
    expect(upgraded.jobId).not.toBe(first.jobId);
    expect(sameLocation(upgraded.restoredFrom, upgradeSavepoint?.location)).toBe(true);
    await expectRestoredFrom(upgraded.jobId!, upgradeSavepoint?.location);
    const details = await (await flinkOf(env.namespace, app)).jobDetails(upgraded.jobId!);
    expect(Math.max(...details.vertices.map((v) => v.parallelism))).toBe(3);
    expectContinued(countsByKey(out1), await newCountsOfEveryKey(out2));

    // Suspend, then resume: restored from the suspend savepoint; every key continues.
    const suspended = await env.cli(['suspend', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expectExit(suspended, 0);
    const whileSuspended = await readRecord(env.namespace, app);
    expect(whileSuspended.status).toBe('suspended');
    const suspendSavepoint = whileSuspended.savepoints.find((s) => s.kind === 'suspend');
    expect(suspendSavepoint?.jobId).toBe(upgraded.jobId);
    const beforeResume = countsByKey(out2);
    const mark = markOutput(out2);
    expectExit(await env.cli(['resume', app, '-n', env.namespace, '--wait', '--timeout', '8m']), 0);
    const resumed = await readRecord(env.namespace, app);
    expect(resumed.status).toBe('running');
    await expectRestoredFrom(resumed.jobId!, suspendSavepoint?.location);
    expectContinued(beforeResume, await newCountsOfEveryKey(out2, { since: mark }));

    // A broken version (fails on open) is rolled back on its own (exit 3), from the upgrade's savepoint.
    const out3 = env.outputDir(app, 'gen-3');
    const beforeBroken = markOutput(out2);
    const broken = await apply(
      env.manifest(app, { ...on120, parallelism: 3, output: out3, extraArgs: ['--fail-after-records', '0'] }),
    );
    expectExit(broken, 3);
    expect(broken.stdout + broken.stderr).toMatch(/rolled back/);
    const rolledBack = await readRecord(env.namespace, app);
    expect(rolledBack.status).toBe('running');
    expect(rolledBack.history.at(-1)).toMatchObject({ outcome: 'rolled-back' });
    expect(rolledBack.lastStableSpec?.job.args).not.toContain('--fail-after-records');
    const rollbackSavepoint = rolledBack.savepoints.filter((s) => s.kind === 'upgrade').at(-1);
    expect(rollbackSavepoint?.jobId).toBe(resumed.jobId);
    await expectRestoredFrom(rolledBack.jobId!, rollbackSavepoint?.location);
    // The broken job never counted; the rolled-back one writes gen-2 again, on from the savepoint: every key's
    // counts since before the broken apply (the resumed job's last ones, then the rolled-back job's) go up by
    // exactly one, none starts over or repeats.
    expect(countsByKey(out3).size).toBe(0);
    await newCountsOfEveryKey(out2, { since: markOutput(out2) });
    for (const [key, counts] of countsByKey(out2, beforeBroken)) {
      expect({ key, counts }).toEqual({ key, counts: counts.map((_, i) => counts[0]! + i) });
    }
    await removeApp(env.namespace, app);
  },
  25 * 60_000,
);
