/**
 * Flink 1.20 (the LTS most fleets run) on the whole local stack: one counter application
 * (`flinkVersion: v1_20`, `image: flink:1.20`, the counter job built against 1.20) deployed and
 * upgraded with a savepoint. The restore is proven from Flink 1.20's own answer (latest.restored)
 * and from the job's output: no key starts over. Suspend/resume and an automatic rollback on 1.20
 * run in test/long/flink-1-20.test.ts (`npm run test:long`).
 */
import { countsByKey, E2eEnv, flinkOf, newCountsOfEveryKey, readRecord, removeApp, sameLocation } from '../support/e2e';
import { expectContinued, expectExit, expectRestoredFrom, on120 } from '../support/flink-1-20';

const env = new E2eEnv('e2e-flink120');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const app = 'lts';

test(
  'Flink 1.20: deploy, then a savepoint upgrade restored from THAT savepoint; the counts continue',
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
    await expectRestoredFrom(env, app, upgraded.jobId!, upgradeSavepoint?.location);
    const details = await (await flinkOf(env.namespace, app)).jobDetails(upgraded.jobId!);
    expect(Math.max(...details.vertices.map((v) => v.parallelism))).toBe(3);
    expectContinued(countsByKey(out1), await newCountsOfEveryKey(out2));
    await removeApp(env.namespace, app);
  },
  15 * 60_000,
);
