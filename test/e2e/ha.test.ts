/**
 * Issue 10 §2 on the whole local stack, with the stateful counter job: JobManager HA is on by
 * default (upgradeMode savepoint), Flink runs as the ServiceAccount of deploy/flink-rbac.yaml
 * with only that Role (E2eEnv applies it), and a new generation never reads an old one's HA
 * metadata.
 */
import type { CompletedCheckpoint } from '../../src/flink/results';
import {
  core,
  countsByKey,
  E2eEnv,
  eventually,
  flinkOf,
  markOutput,
  maxCounts,
  newCountsOfEveryKey,
  readRecord,
  removeApp,
  startsFromOne,
} from '../support/e2e';

const env = new E2eEnv('e2e-ha');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const app = 'counter';
/** Flink 2.3's labels on the ConfigMaps of its Kubernetes HA (with app=<cluster-id>). */
const haSelector = 'type=flink-native-kubernetes';

/** The cluster ids (label `app`) of the namespace's Flink HA ConfigMaps. */
async function haClusterIds(): Promise<string[]> {
  const list = await core.listNamespacedConfigMap({ namespace: env.namespace, labelSelector: haSelector });
  return [...new Set(list.items.map((c) => c.metadata?.labels?.app ?? '?'))].sort();
}

async function deletePods(component: 'jobmanager' | 'taskmanager'): Promise<string[]> {
  const selector = `app.kubernetes.io/instance=${app},app.kubernetes.io/component=${component}`;
  const pods = (await core.listNamespacedPod({ namespace: env.namespace, labelSelector: selector })).items;
  for (const pod of pods) await core.deleteNamespacedPod({ namespace: env.namespace, name: pod.metadata!.name! });
  return pods.map((p) => p.metadata!.name!);
}

/** A completed checkpoint of the job triggered after `after` (epoch ms). */
async function checkpointAfter(jobId: string, after: number): Promise<CompletedCheckpoint> {
  return eventually(`a checkpoint of ${jobId} after ${new Date(after).toISOString()}`, async () => {
    const latest = (await (await flinkOf(env.namespace, app)).checkpoints(jobId)).latestCompleted;
    return latest && !latest.isSavepoint && latest.triggerTimestamp > after ? latest : undefined;
  });
}

/**
 * The job runs again after a pod was deleted: RUNNING, restored from a checkpoint at least as
 * new as `checkpoint`. Resolves with how long that took.
 */
async function resumedFromCheckpoint(jobId: string, checkpoint: CompletedCheckpoint, since: number) {
  return eventually(
    `job ${jobId} RUNNING again, restored from checkpoint ${checkpoint.id} or newer`,
    async () => {
      const flink = await flinkOf(env.namespace, app).catch(() => undefined);
      if (!flink) return undefined;
      const details = await flink.jobDetails(jobId).catch(() => undefined);
      if (details?.state !== 'RUNNING' || !details.vertices.every((v) => v.status === 'RUNNING')) return undefined;
      const restored = (await flink.checkpoints(jobId)).latestRestored;
      if (!restored || restored.restoreTimestamp < since) return undefined;
      return { restored, seconds: (Date.now() - since) / 1000 };
    },
    180_000,
  );
}

let savepointId = 0;

test(
  'deploy and upgrade with HA on: Flink HA ConfigMaps of the running generation only, written as the flink ' +
    'ServiceAccount',
  async () => {
    expect((await env.cli(['apply', '-f', env.manifest(app), '--wait', '--timeout', '5m'])).code).toBe(0);
    await eventually('HA ConfigMaps of generation 1', async () =>
      (await haClusterIds()).includes(`${app}-g1`) ? true : undefined,
    );
    const upgrade = await env.cli([
      'apply',
      '-f',
      env.manifest(app, { extraArgs: ['--restart-attempts', '5'] }),
      '--wait',
      '--timeout',
      '5m',
    ]);
    expect(upgrade.code).toBe(0);
    const record = await readRecord(env.namespace, app);
    expect(record.generation).toBe(2);
    const restored = (await (await flinkOf(env.namespace, app)).checkpoints(record.jobId!)).latestRestored;
    expect(restored?.isSavepoint).toBe(true);
    savepointId = restored!.id;
    await eventually('HA ConfigMaps of generation 2 only', async () => {
      const ids = await haClusterIds();
      return ids.length === 1 && ids[0] === `${app}-g2` ? true : undefined;
    });
    const jm = (
      await core.listNamespacedPod({
        namespace: env.namespace,
        labelSelector: `app.kubernetes.io/instance=${app},app.kubernetes.io/component=jobmanager`,
      })
    ).items[0];
    expect(jm?.spec?.serviceAccountName).toBe('flink');
  },
);

test.each(['jobmanager', 'taskmanager'] as const)(
  'the %s pod deleted at steady state: the job resumes from a checkpoint newer than the start savepoint, ' +
    'no key starts over',
  async (component) => {
    const record = await readRecord(env.namespace, app);
    const out = env.outputDir(app);
    const countsBefore = maxCounts(out);
    const checkpoint = await checkpointAfter(record.jobId!, Date.now());
    expect(checkpoint.id).toBeGreaterThan(savepointId);
    const killMark = markOutput(out);
    const deletedAt = Date.now();

    // One JobManager; one TaskManager (parallelism 2, 2 slots).
    expect(await deletePods(component)).toHaveLength(1);

    const { restored, seconds } = await resumedFromCheckpoint(record.jobId!, checkpoint, deletedAt);
    console.log(
      `${component} pod deleted: job RUNNING again after ${seconds.toFixed(1)} s, from checkpoint ${restored.id}`,
    );
    expect(restored.isSavepoint).toBe(false);
    expect(restored.id).toBeGreaterThanOrEqual(checkpoint.id);
    // Counts go on from that checkpoint. Every count written since the kill — the old job's last
    // ones and all the restored job's — is beyond what the key had written before the checkpoint
    // was taken (a restore from the start savepoint, further back, would write lower counts), and
    // the restored job wrote counts of every key (read after it runs again: they are its own).
    await newCountsOfEveryKey(out, { since: markOutput(out) });
    const sinceKill = countsByKey(out, killMark);
    expect([...sinceKill.keys()].sort()).toEqual([...countsBefore.keys()].sort());
    for (const [key, counts] of sinceKill) {
      const lowest = Math.min(...counts);
      expect({ key, lowest, beyond: lowest > (countsBefore.get(key) ?? 0) }).toEqual({ key, lowest, beyond: true });
    }
    for (const [key, ones] of startsFromOne(out)) expect({ key, ones }).toEqual({ key, ones: 1 });
    // Same generation, same job, still its own HA metadata only.
    expect(await readRecord(env.namespace, app)).toMatchObject({ jobId: record.jobId, generation: 2 });
    expect(await haClusterIds()).toEqual([`${app}-g2`]);
  },
);

test('suspend removes the HA ConfigMaps; resume with HA on restores from the suspend savepoint', async () => {
  const suspend = await env.cli(['suspend', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
  expect(suspend.code).toBe(0);
  const suspended = await readRecord(env.namespace, app);
  const savepoint = suspended.savepoints.find((s) => s.kind === 'suspend');
  expect(savepoint).toBeDefined();
  expect(await haClusterIds()).toEqual([]);

  const resume = await env.cli(['resume', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
  expect(resume.code).toBe(0);
  const record = await readRecord(env.namespace, app);
  expect(record.generation).toBe(3);
  const restored = (await (await flinkOf(env.namespace, app)).checkpoints(record.jobId!)).latestRestored;
  expect(restored?.isSavepoint).toBe(true);
  expect(restored?.externalPath?.replace('file:///', 'file:/')).toBe(savepoint!.location.replace('file:///', 'file:/'));
  await eventually('HA ConfigMaps of generation 3 only', async () => {
    const ids = await haClusterIds();
    return ids.length === 1 && ids[0] === `${app}-g3` ? true : undefined;
  });
  for (const [key, ones] of startsFromOne(env.outputDir(app))) expect({ key, ones }).toEqual({ key, ones: 1 });
  await removeApp(env.namespace, app);
});
