/**
 * Fleet rollouts on the local stack (issue 14), with four counter applications, in order:
 * 1. one rollout deploys all four, never more than the concurrency at once (the records' locks sampled
 *    every 250 ms from the kube-apiserver);
 * 2. an upgrade of all four behind an approval gate: approved, then the worker SIGKILLed mid-wave and
 *    started again; every application ends on the new version, restored from its own upgrade savepoint;
 * 3. the next upgrade aborted at the gate: the canary moved, the three others untouched (same job, still
 *    RUNNING at their old parallelism);
 * 4. a new version whose canary is broken halts the rest: the canary rolled back on its own, the three
 *    others untouched, still running their job, read from Flink and from their records.
 */
import { E2eEnv, eventually, expectRestoredFrom, flinkOf, kube, readRecord, removeApp } from '../support/e2e';
import { applyFleet } from '../support/fleet-rollout';

const env = new E2eEnv('e2e-fleet');
beforeAll(() => env.setUp());
afterAll(async () => {
  await Promise.all(names.map((n) => removeApp(env.namespace, n).catch(() => undefined)));
  await env.tearDown();
});

const names = ['fa', 'fb', 'fc', 'fd'];
/** Four Flink clusters on a shared 2-core machine start slowly: a generous stability timeout. */
const slow = { timeoutSeconds: 400 };
const minutes = 60_000;

/** How many of the applications' records hold their lock (an operation runs), sampled every 250 ms. */
class LockSampler {
  max = 0;
  samples = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  start(): this {
    this.timer = setInterval(() => void this.sample(), 250);
    return this;
  }

  stop(): { max: number; samples: number } {
    clearInterval(this.timer);
    return { max: this.max, samples: this.samples };
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const records = await Promise.all(names.map((n) => kube.records.readRecord(env.namespace, n)));
      const locked = records.filter((r) => r?.record.operation).length;
      this.max = Math.max(this.max, locked);
      this.samples += 1;
    } catch {
      // A sample the API server did not answer is not a sample.
    } finally {
      this.busy = false;
    }
  }
}

/** Each application's job id, read from its record. */
async function jobIds(): Promise<Record<string, string | null>> {
  return Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, (await readRecord(env.namespace, n)).jobId] as const)),
  );
}

/** The record says `app` runs `jobId` at `parallelism` with no lock, and Flink has that job RUNNING. */
async function expectRunning(app: string, jobId: string | null | undefined, parallelism: number): Promise<void> {
  const record = await readRecord(env.namespace, app);
  expect({ app, status: record.status, jobId: record.jobId, operation: record.operation }).toEqual({
    app,
    status: 'running',
    jobId,
    operation: null,
  });
  expect(record.lastAppliedSpec?.job.parallelism).toBe(parallelism);
  expect((await (await flinkOf(env.namespace, app)).jobDetails(record.jobId!)).state).toBe('RUNNING');
}

let deployed: Record<string, string | null> = {};

test(
  'one rollout deploys four applications, never more than the concurrency at once',
  async () => {
    const sampler = new LockSampler().start();
    const first = await applyFleet(
      env,
      names.map((n) => env.manifest(n, slow)),
      ['--concurrency', '2'],
    );
    const sampled = sampler.stop();
    expect({ code: first.code, stderr: first.stderr.slice(-3000) }).toMatchObject({ code: 0 });
    expect(first.summary).toMatchObject({ outcome: 'succeeded', exitCode: 0, maxRunning: 2 });
    expect(first.states).toEqual({ fa: 'succeeded', fb: 'succeeded', fc: 'succeeded', fd: 'succeeded' });
    expect(first.stderr).toMatch(/plan for 4 applications/);
    // The sampler saw the operations run (two at once at least once), never three.
    expect(sampled.samples).toBeGreaterThan(100);
    expect(sampled.max).toBe(2);
    deployed = await jobIds();
    for (const n of names) await expectRunning(n, deployed[n], 2);
  },
  30 * minutes,
);

test(
  'approval gate: approved, the worker SIGKILLed mid-wave; every application upgraded from its own savepoint',
  async () => {
    const sampler = new LockSampler().start();
    let killed = false;
    const rollout = applyFleet(
      env,
      names.map((n) => env.manifest(n, { ...slow, parallelism: 3 })),
      ['--canary', 'fa', '--approve-after-canary', '--concurrency', '2', '--rollout-id', `gate-${env.namespace}`],
    );
    // The canary upgraded, the rollout waits at the gate: approve it (the answer says it was accepted).
    const approved = await eventually(
      'the rollout to accept an approval',
      async () => {
        const fa = await readRecord(env.namespace, 'fa');
        if (fa.lastAppliedSpec?.job.parallelism !== 3 || fa.operation) return undefined;
        const r = await env.cli(['approve', `gate-${env.namespace}`]);
        return r.code === 0 ? r : undefined;
      },
      15 * minutes,
    );
    expect(approved.stdout + approved.stderr).toMatch(/approv/i);
    expect((await readRecord(env.namespace, 'fa')).lastAppliedSpec?.job.parallelism).toBe(3);
    // Mid-wave: an application after the canary holds its lock. Kill the worker, start another.
    await eventually(
      'a wave operation to hold its lock',
      async () => {
        const records = await Promise.all(names.slice(1).map((n) => readRecord(env.namespace, n)));
        return records.some((r) => r.operation) ? true : undefined;
      },
      10 * minutes,
    );
    await env.killWorker();
    killed = true;
    await new Promise((r) => setTimeout(r, 10_000));
    env.startWorker();
    const second = await rollout;
    const sampled = sampler.stop();
    expect(killed).toBe(true);
    expect({ code: second.code, stderr: second.stderr.slice(-3000) }).toMatchObject({ code: 0 });
    expect(second.summary).toMatchObject({ outcome: 'succeeded', exitCode: 0 });
    expect(second.states).toEqual({ fa: 'succeeded', fb: 'succeeded', fc: 'succeeded', fd: 'succeeded' });
    expect(second.summary!.maxRunning).toBeLessThanOrEqual(2);
    expect(sampled.max).toBeLessThanOrEqual(2);
    for (const n of names) {
      const record = await readRecord(env.namespace, n);
      expect(record.jobId).not.toBe(deployed[n]);
      await expectRunning(n, record.jobId, 3);
      // Restored from the savepoint this upgrade took of the job it replaced (Flink says so).
      const savepoint = record.savepoints.filter((s) => s.jobId === deployed[n] && !s.disposed).at(-1);
      expect(savepoint?.triggerId).toMatch(/^[0-9a-f]{32}$/);
      await expectRestoredFrom(env.namespace, n, record.jobId!, savepoint?.location);
      expect(record.history.at(-1)).toMatchObject({ outcome: 'succeeded' });
    }
    deployed = await jobIds();
  },
  30 * minutes,
);

test(
  'aborted at the gate: the canary moved, the others untouched',
  async () => {
    const id = `abort-${env.namespace}`;
    const rollout = applyFleet(
      env,
      names.map((n) => env.manifest(n, { ...slow, parallelism: 2 })),
      ['--canary', 'fa', '--approve-after-canary', '--concurrency', '2', '--rollout-id', id],
    );
    // An approval while the canary still runs is refused, and says why.
    await eventually(
      'the canary to hold its lock',
      async () => ((await readRecord(env.namespace, 'fa')).operation ? true : undefined),
      10 * minutes,
    );
    const early = await env.cli(['approve', id]);
    expect({ code: early.code, said: early.stdout + early.stderr }).toMatchObject({
      code: 1,
      said: expect.stringMatching(/not waiting for approval/),
    });
    // At the gate (the canary moved, its lock released) the abort is accepted.
    const aborted = await eventually(
      'the rollout to accept an abort at its gate',
      async () => {
        const fa = await readRecord(env.namespace, 'fa');
        if (fa.lastAppliedSpec?.job.parallelism !== 2 || fa.operation) return undefined;
        const r = await env.cli(['abort', id, '--reason', 'the canary looks slow']);
        return r.code === 0 ? r : undefined;
      },
      15 * minutes,
    );
    expect(aborted.code).toBe(0);
    const third = await rollout;
    expect(third.code).toBe(1);
    expect(third.summary).toMatchObject({ outcome: 'aborted', exitCode: 1 });
    expect(third.states).toEqual({ fa: 'succeeded', fb: 'untouched', fc: 'untouched', fd: 'untouched' });
    await expectRunning('fa', (await readRecord(env.namespace, 'fa')).jobId, 2);
    for (const n of names.slice(1)) await expectRunning(n, deployed[n], 3);
    deployed = await jobIds();
  },
  30 * minutes,
);

test(
  'a broken canary halts the others, untouched',
  async () => {
    const second = await applyFleet(
      env,
      [
        env.manifest('fa', { ...slow, extraArgs: ['--fail-after-records', '0'] }),
        ...names.slice(1).map((n) => env.manifest(n, { ...slow, parallelism: 2 })),
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
    for (const n of names.slice(1)) await expectRunning(n, deployed[n], 3);
  },
  30 * minutes,
);
