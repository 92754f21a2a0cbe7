/**
 * A fleet rollout on the local stack, with four counter applications: all deployed by one
 * rollout (never more than the concurrency at once); then a new version whose canary is broken
 * halts the rest: the canary rolled back on its own, the three others untouched, still running
 * their first job, read from Flink and from their records.
 */
import { E2eEnv, flinkOf, readRecord, removeApp } from '../support/e2e';
import { applyFleet } from '../support/fleet-rollout';

const env = new E2eEnv('e2e-fleet');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const names = ['fa', 'fb', 'fc', 'fd'];
/** Four Flink clusters on a shared 2-core machine start slowly: a generous stability timeout. */
const slow = { timeoutSeconds: 400 };

test(
  'four applications: one rollout deploys them all; a broken canary halts the others, untouched',
  async () => {
    const first = await applyFleet(
      env,
      names.map((n) => env.manifest(n, slow)),
      ['--concurrency', '2'],
    );
    expect({ code: first.code, stderr: first.stderr.slice(-3000) }).toMatchObject({ code: 0 });
    expect(first.summary).toMatchObject({ outcome: 'succeeded', exitCode: 0, maxRunning: 2 });
    expect(first.states).toEqual({ fa: 'succeeded', fb: 'succeeded', fc: 'succeeded', fd: 'succeeded' });
    expect(first.stderr).toMatch(/plan for 4 applications/);
    const jobs = Object.fromEntries(
      await Promise.all(names.map(async (n) => [n, (await readRecord(env.namespace, n)).jobId] as const)),
    );

    const second = await applyFleet(
      env,
      [
        env.manifest('fa', { ...slow, extraArgs: ['--fail-after-records', '0'] }),
        ...names.slice(1).map((n) => env.manifest(n, { ...slow, parallelism: 3 })),
      ],
      ['--canary', 'fa', '--concurrency', '2'],
    );

    expect({ code: second.code, stderr: second.stderr.slice(-3000) }).toMatchObject({ code: 3 });
    expect(second.summary?.outcome).toBe('rolled-back');
    expect(second.states).toEqual({ fa: 'rolled-back', fb: 'untouched', fc: 'untouched', fd: 'untouched' });
    const canary = await readRecord(env.namespace, 'fa');
    expect(canary.status).toBe('running');
    expect(canary.lastAppliedSpec?.job.args).not.toContain('--fail-after-records');
    expect(canary.history.at(-1)).toMatchObject({ outcome: 'rolled-back' });
    for (const n of names.slice(1)) {
      const record = await readRecord(env.namespace, n);
      expect(record).toMatchObject({ status: 'running', jobId: jobs[n], operation: null });
      expect(record.lastAppliedSpec?.job.parallelism).toBe(2);
      expect((await (await flinkOf(env.namespace, n)).jobDetails(record.jobId!)).state).toBe('RUNNING');
    }
    await Promise.all(names.map((n) => removeApp(env.namespace, n)));
  },
  30 * 60_000,
);
