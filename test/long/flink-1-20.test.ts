/**
 * Flink 1.20 beyond deploy and upgrade (those run in `npm test`: test/e2e/flink-1-20.test.ts):
 * a counter application on 1.20 suspended and resumed, then a broken version rolled back on its
 * own. Each restore is proven from Flink 1.20's own answer (latest.restored) and from the job's
 * output: no key starts over.
 */
import { countsByKey, E2eEnv, markOutput, newCountsOfEveryKey, readRecord, removeApp } from '../support/e2e';
import { expectContinued, expectExit, expectRestoredFrom, on120 } from '../support/flink-1-20';

const env = new E2eEnv('long-flink120');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const app = 'lts';

// Four operations, each starting JobManager and TaskManager JVMs.
test(
  'Flink 1.20: suspend/resume from the suspend savepoint, then an automatic rollback; each restore continues the ' +
    'counts',
  async () => {
    const apply = (manifest: string) => env.cli(['apply', '-f', manifest, '--wait', '--timeout', '10m']);
    const out = env.outputDir(app, 'gen-1');
    expectExit(await apply(env.manifest(app, { ...on120, parallelism: 2, output: out })), 0);
    const deployed = await readRecord(env.namespace, app);
    expect(deployed.status).toBe('running');
    await newCountsOfEveryKey(out);

    // Suspend, then resume: restored from the suspend savepoint; every key continues.
    const suspended = await env.cli(['suspend', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expectExit(suspended, 0);
    const whileSuspended = await readRecord(env.namespace, app);
    expect(whileSuspended.status).toBe('suspended');
    const suspendSavepoint = whileSuspended.savepoints.find((s) => s.kind === 'suspend');
    expect(suspendSavepoint?.jobId).toBe(deployed.jobId);
    const beforeResume = countsByKey(out);
    const mark = markOutput(out);
    expectExit(await env.cli(['resume', app, '-n', env.namespace, '--wait', '--timeout', '8m']), 0);
    const resumed = await readRecord(env.namespace, app);
    expect(resumed.status).toBe('running');
    await expectRestoredFrom(env, app, resumed.jobId!, suspendSavepoint?.location);
    expectContinued(beforeResume, await newCountsOfEveryKey(out, { since: mark }));

    // A broken version (fails on open) is rolled back on its own (exit 3), from the upgrade's savepoint.
    const outBroken = env.outputDir(app, 'gen-broken');
    const beforeBroken = markOutput(out);
    const broken = await apply(
      env.manifest(app, { ...on120, parallelism: 2, output: outBroken, extraArgs: ['--fail-after-records', '0'] }),
    );
    expectExit(broken, 3);
    expect(broken.stdout + broken.stderr).toMatch(/rolled back/);
    const rolledBack = await readRecord(env.namespace, app);
    expect(rolledBack.status).toBe('running');
    expect(rolledBack.history.at(-1)).toMatchObject({ outcome: 'rolled-back' });
    expect(rolledBack.lastStableSpec?.job.args).not.toContain('--fail-after-records');
    const rollbackSavepoint = rolledBack.savepoints.filter((s) => s.kind === 'upgrade').at(-1);
    expect(rollbackSavepoint?.jobId).toBe(resumed.jobId);
    await expectRestoredFrom(env, app, rolledBack.jobId!, rollbackSavepoint?.location);
    // The broken job never counted; the rolled-back one writes to `out` again, on from the savepoint: every key's
    // counts since before the broken apply (the resumed job's last ones, then the rolled-back job's) go up by
    // exactly one, none starts over or repeats.
    expect(countsByKey(outBroken).size).toBe(0);
    await newCountsOfEveryKey(out, { since: markOutput(out) });
    for (const [key, counts] of countsByKey(out, beforeBroken)) {
      expect({ key, counts }).toEqual({ key, counts: counts.map((_, i) => counts[0]! + i) });
    }
    await removeApp(env.namespace, app);
  },
  25 * 60_000,
);
