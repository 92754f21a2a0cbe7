/**
 * In-place rescaling (issue 15) on the local stack: the counter job on flink:2.3 with the adaptive
 * scheduler, parallelism 2 → 3 → 2. Each apply rescales the RUNNING job through its resource
 * requirements: the job id stays the same, no savepoint is taken and nothing restores from one, every
 * key's count goes on, and the TaskManager pods follow (1 → 2 → 1 at 2 slots each).
 */
import {
  apps,
  countsByKey,
  E2eEnv,
  eventually,
  flinkOf,
  markOutput,
  newCountsOfEveryKey,
  readRecord,
  removeApp,
} from '../support/e2e';

const env = new E2eEnv('e2e-rescale');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

/** The adaptive scheduler, without its cool-down between rescales (so the test does not wait 30 s). */
const adaptiveScheduler = {
  'jobmanager.scheduler': 'adaptive',
  'jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling': '0s',
};

function adaptiveManifest(app: string, parallelism: number): string {
  return env.manifest(app, { parallelism, flinkConfiguration: adaptiveScheduler });
}

async function taskManagerPods(app: string): Promise<number> {
  const deployment = await apps.readNamespacedDeployment({ name: `${app}-taskmanager`, namespace: env.namespace });
  return deployment.status?.readyReplicas ?? 0;
}

test(
  'parallelism 2 → 3 → 2 in place: same job, no savepoint, counts go on, TaskManagers follow',
  async () => {
    const app = 'counter';
    const out = env.outputDir(app);
    const deployed = await env.cli(['apply', '-f', adaptiveManifest(app, 2), '--wait', '--timeout', '12m']);
    if (deployed.code !== 0) throw new Error(`deploy exited ${deployed.code}: ${deployed.stdout}${deployed.stderr}`);
    const first = await readRecord(env.namespace, app);
    const jobId = first.jobId!;
    await newCountsOfEveryKey(out, { timeoutMs: 240_000 });
    expect(await taskManagerPods(app)).toBe(1);

    const plan = await env.cli(['plan', '-f', adaptiveManifest(app, 3)]);
    expect(plan.stdout).toContain('rescale in place: job.parallelism 2 → 3, TaskManagers 1 → 2');

    for (const [from, to, taskManagers] of [
      [2, 3, 2],
      [3, 2, 1],
    ] as const) {
      const mark = markOutput(out);
      const before = countsByKey(out);
      const flink = await flinkOf(env.namespace, app);
      const restoredBefore = (await flink.checkpoints(jobId)).latestRestored;
      const started = Date.now();
      const applied = await env.cli(['apply', '-f', adaptiveManifest(app, to), '--wait', '--timeout', '12m']);
      console.log(`rescale ${from} → ${to}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (applied.code !== 0) throw new Error(`apply exited ${applied.code}: ${applied.stdout}${applied.stderr}`);
      expect(applied.stdout + applied.stderr).toContain(`rescaled in place: job.parallelism ${from} → ${to}`);

      const record = await readRecord(env.namespace, app);
      expect(record.jobId).toBe(jobId);
      expect(record.generation).toBe(first.generation);
      expect(record.lastStableSpec?.job.parallelism).toBe(to);
      expect(record.savepoints.filter((s) => s.kind === 'upgrade')).toEqual([]);
      const details = await flink.jobDetails(jobId);
      expect(details.state).toBe('RUNNING');
      expect(details.vertices.map((v) => v.parallelism)).toEqual(details.vertices.map(() => to));
      // The rescale restarted the job inside its JobManager from a checkpoint: never from a savepoint.
      const restored = (await flink.checkpoints(jobId)).latestRestored;
      expect(restored?.isSavepoint ?? false).toBe(false);
      if (restoredBefore) expect(restored?.id).toBeGreaterThanOrEqual(restoredBefore.id);
      // Counts go on: no key starts over (no count of 1), nothing is skipped (the lowest new count is at most
      // the last before + 1: a restart from a checkpoint may write a few counts again), and every key goes past
      // where it was. Order-free: a key moves to another subtask's file when the parallelism changes.
      const after = await newCountsOfEveryKey(out, { since: mark, timeoutMs: 240_000 });
      for (const [key, counts] of after) {
        const lastBefore = Math.max(...(before.get(key) ?? [0]));
        const lowest = Math.min(...counts);
        const row = { key, lastBefore, lowest, ones: counts.filter((c) => c === 1).length };
        expect({ ...row, continues: lowest > 1 && lowest <= lastBefore + 1 }).toEqual({
          ...row,
          continues: true,
          ones: 0,
        });
        expect(Math.max(...counts)).toBeGreaterThan(lastBefore);
      }
      await eventually(
        `${taskManagers} TaskManager pod(s)`,
        async () => ((await taskManagerPods(app)) === taskManagers ? true : undefined),
        240_000,
      );
    }
    await removeApp(env.namespace, app);
  },
  40 * 60_000,
);
