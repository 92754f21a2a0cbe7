/**
 * latestCheckpoint of a job just cancelled, against a real Flink cluster whose job checkpoints every 300 ms
 * and retains one checkpoint on cancel: the answer is the checkpoint Flink kept, not an older one its cached
 * statistics still named (Flink deleted that one when the next completed). What a last-state upgrade restores
 * from: the older one failed it ("Cannot find checkpoint or savepoint file/directory").
 * stateLeft of a job stopped with a savepoint (a suspend whose trigger Flink then forgot): that savepoint, and
 * its id after every checkpoint the job completed.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockActivityEnvironment } from '@temporalio/testing';
import { activityConfigOf, createActivities } from '../../../src/activities';
import type { CheckpointInfo, StateLeft } from '../../../src/activities/types';
import { loadSettings } from '../../../src/config/settings';
import { FlinkRestClient } from '../../../src/flink';
import { counterJob, counterJobArgs } from '../../support/counter-job';
import { InMemoryKube } from '../../support/in-memory-kube';
import { startFlinkCluster, type LocalFlinkCluster } from '../../support/local-flink';
import { pollUntil } from './poll';
import { quietLogger } from '../../support/quiet-logger';

const app = { namespace: 'checkpoints', name: 'counter' };
let base: string;
let cluster: LocalFlinkCluster | undefined;

beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'fd-flink-latest-'));
});
afterAll(async () => {
  await cluster?.stop();
  rmSync(base, { recursive: true, force: true });
});

/** The activities over `client` (and an in-memory Kubernetes), and an activity environment to run them in. */
function activitiesOf(client: FlinkRestClient) {
  const activities = createActivities({
    kube: new InMemoryKube(),
    flinkFor: () => Promise.resolve(client),
    config: { ...activityConfigOf(loadSettings({}, {})), pollIntervalMs: 100 },
  });
  const env = new MockActivityEnvironment(undefined, {
    logger: quietLogger,
  });
  return { activities, env };
}

/**
 * Flink on `ip` running the counter job (3 keys, a checkpoint every 300 ms, a fresh job id), its checkpoints
 * retained on cancel, plus `config`. Its output goes to `out<dirSuffix>` and its files to `cluster<dirSuffix>`
 * under `base`: each test's own.
 */
function startCounterCluster(ip: string, dirSuffix: string, config: Readonly<Record<string, string>> = {}) {
  const output = path.join(base, `out${dirSuffix}`);
  return startFlinkCluster({
    ip,
    jobJar: counterJob.jar,
    jobClass: counterJob.mainClass,
    jobArgs: counterJobArgs({ output, keys: 3, rate: 30, checkpointIntervalMs: 300 }),
    workDir: path.join(base, `cluster${dirSuffix}`),
    config: { 'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION', ...config },
  });
}

test('a cancelled job: the checkpoint Flink retained, though its cached statistics named an older one', async () => {
  cluster = await startCounterCluster('127.0.50.13', '', {
    'execution.checkpointing.num-retained': '1',
    // Flink's statistics cache, 3 s by default, made long enough to cancel inside it for sure.
    'rest.cache.checkpoint-statistics.timeout': '15 s',
  });
  const { jobId } = cluster;
  const client = new FlinkRestClient({ baseUrl: cluster.restUrl });
  const { activities, env } = activitiesOf(client);
  const latest = () => env.run(activities.latestCheckpoint, { app, jobId }) as Promise<CheckpointInfo | null>;

  const running = await pollUntil('a completed checkpoint', async () => (await latest()) ?? undefined, 90_000);
  // Flink's statistics now cached: checkpoints completing after this read are not in its answers for 15 s.
  const cached = (await client.checkpoints(jobId)).latestCompleted;
  // Any newer one: with one retained, each lives only until the next completes (300 ms), shorter than a look apart.
  const jobDir = path.join(cluster.checkpointDir, jobId);
  const newer = () =>
    readdirSync(jobDir).some(
      (d) => d.startsWith('chk-') && Number(d.slice(4)) > cached!.id && existsSync(path.join(jobDir, d, '_metadata')),
    );
  await pollUntil('a newer checkpoint on disk', async () => (newer() ? true : undefined), 10_000);
  await env.run(activities.cancelJob, { app, jobId });
  const found = await latest();

  // Flink's own answer, read well after the cache's lifetime, and the checkpoint folders it kept on disk.
  await new Promise((resolve) => setTimeout(resolve, 16_000));
  const final = (await client.checkpoints(jobId)).latestCompleted;
  // Flink kept that one (its _metadata) and deleted every older one (a newer folder may be one it aborted).
  const folders = readdirSync(path.join(cluster.checkpointDir, jobId)).filter((d) => d.startsWith('chk-'));
  expect(folders.filter((d) => Number(d.slice(4)) <= final!.id)).toEqual([`chk-${final!.id}`]);
  expect(existsSync(path.join(cluster.checkpointDir, jobId, `chk-${final!.id}`, '_metadata'))).toBe(true);
  // More checkpoints completed after the cached read (else this test proves nothing).
  expect(final!.id).toBeGreaterThan(cached!.id);
  expect(final!.id).toBeGreaterThan(running.id);
  expect(found).toMatchObject({ id: final!.id, location: final!.externalPath });
  expect(existsSync(fileURLToPath(found!.location.replace(/^file:\/(?!\/)/, 'file:///')))).toBe(true);
}, 180_000);

test('a job stopped with a savepoint: stateLeft names THAT savepoint, newer than its last checkpoint', async () => {
  await cluster?.stop();
  cluster = await startCounterCluster('127.0.50.14', '-stop');
  const { jobId } = cluster;
  const client = new FlinkRestClient({ baseUrl: cluster.restUrl });
  const { activities, env } = activitiesOf(client);
  const latest = () => env.run(activities.latestCheckpoint, { app, jobId }) as Promise<CheckpointInfo | null>;
  await pollUntil('a completed checkpoint', async () => (await latest()) ?? undefined, 90_000);
  const { triggerId } = await client.stopWithSavepoint({ jobId, triggerId: 'a'.repeat(32) });
  const stopped = await pollUntil(
    'the stop completed',
    async () => {
      const status = await client.savepointStatus(jobId, triggerId);
      if (status.kind === 'failed') throw new Error(status.cause);
      return status.kind === 'completed' ? status.location : undefined;
    },
    60_000,
  );

  // As apply asks it: once Flink says the job ended (its job details are cached a few seconds).
  await pollUntil('the job FINISHED', async () => (await client.jobDetails(jobId)).state === 'FINISHED' || undefined);

  const left = (await env.run(activities.stateLeft, { app, jobId })) as StateLeft;

  expect(left.savepoint?.location).toBe(stopped);
  expect(left.savepoint!.location.startsWith(`file:${cluster.savepointDir}`)).toBe(true);
  // One sequence: the savepoint came after every checkpoint the job completed.
  expect(left.checkpoint).not.toBeNull();
  expect(left.savepoint!.id).toBeGreaterThan(left.checkpoint!.id);
  expect(left.savepoint!.completedAt).toBeGreaterThanOrEqual(left.checkpoint!.completedAt);
}, 180_000);
