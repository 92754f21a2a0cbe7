/**
 * The Flink REST client against a real Flink 2.3 application cluster on loopback running the
 * counter job: cluster reads, idempotent savepoint triggers, checkpoints, disposal, metrics,
 * cancel, and the split between "Flink says no" and "could not ask".
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlinkApiError, FlinkErrorCode, FlinkRestClient, FlinkTransportError, isFlinkError } from '../../../src/flink';
import { counterJob, counterJobArgs, readCounterTotal } from '../../support/counter-job';
import { startFlinkCluster, type LocalFlinkCluster } from '../../support/local-flink';
import { pollUntil } from './poll';

const unknownJobId = 'ffffffffffffffffffffffffffffffff';
let base: string;
let cluster: LocalFlinkCluster;
let client: FlinkRestClient;

const newTriggerId = () => randomBytes(16).toString('hex');

beforeAll(async () => {
  base = mkdtempSync(path.join(os.tmpdir(), 'fd-flink-client-'));
  cluster = await startFlinkCluster({
    ip: '127.0.50.4',
    jobJar: counterJob.jar,
    jobClass: counterJob.mainClass,
    jobArgs: counterJobArgs({ output: path.join(base, 'out'), keys: 3, rate: 30, checkpointIntervalMs: 1000 }),
    workDir: path.join(base, 'cluster'),
  });
  client = new FlinkRestClient({ baseUrl: cluster.restUrl });
  await pollUntil(
    'the counter job RUNNING',
    async () => {
      const job = await client.jobDetails(cluster.jobId);
      return job.state === 'RUNNING' && job.vertices.every((v) => v.status === 'RUNNING') ? true : undefined;
    },
    90_000,
  );
});
afterAll(async () => {
  await cluster?.stop();
  rmSync(base, { recursive: true, force: true });
});

/** Savepoint directories Flink wrote under the cluster's savepoint dir. */
const savepointsOnDisk = () => readdirSync(cluster.savepointDir).filter((d) => d.startsWith('savepoint-'));

async function completedSavepoint(jobId: string, triggerId: string): Promise<string> {
  const result = await pollUntil('the savepoint', async () => {
    const r = await client.savepointStatus(jobId, triggerId);
    return r.kind === 'pending' ? undefined : r;
  });
  if (result.kind !== 'completed') throw new Error(`savepoint failed: ${result.cause}`);
  return result.location;
}

test('/overview, /config and /jobmanager/config answer with the cluster we started', async () => {
  const overview = await client.overview();
  expect(overview).toMatchObject({ 'flink-version': '2.3.0', taskmanagers: 1, 'jobs-running': 1 });
  expect(await client.version()).toMatchObject({ major: 2, minor: 3, patch: 0 });
  const conf = await client.jobManagerConfig();
  expect(conf['execution.shutdown-on-application-finish']).toBe('false');
  expect(await client.listJobs()).toEqual([{ id: cluster.jobId, status: 'RUNNING' }]);
});

test('the same trigger id sent twice gives one savepoint, and disposal removes it from disk', async () => {
  const before = savepointsOnDisk().length;
  const triggerId = newTriggerId();
  const [a, b] = await Promise.all([
    client.triggerSavepoint({ jobId: cluster.jobId, triggerId }),
    client.triggerSavepoint({ jobId: cluster.jobId, triggerId }),
  ]);
  expect([a.triggerId, b.triggerId]).toEqual([triggerId, triggerId]);
  const location = await completedSavepoint(cluster.jobId, triggerId);
  // A retry after completion is still the same operation: same location, no new savepoint.
  expect(await client.triggerSavepoint({ jobId: cluster.jobId, triggerId })).toEqual({ triggerId });
  expect(await client.savepointStatus(cluster.jobId, triggerId)).toEqual({ kind: 'completed', location });
  expect(savepointsOnDisk()).toHaveLength(before + 1);
  // Flink caches checkpoint statistics for a few seconds: it lists the savepoint once they refresh.
  const stats = await pollUntil('the savepoint in the statistics', async () => {
    const s = await client.checkpoints(cluster.jobId);
    return s.latestSavepoint?.externalPath === location ? s : undefined;
  });
  expect(stats.latestSavepoint).toMatchObject({ isSavepoint: true, externalPath: location });
  expect((await client.checkpointStatistics(cluster.jobId)).history.filter((h) => h.is_savepoint)).toHaveLength(
    before + 1,
  );

  const dir = fileURLToPath(location);
  expect(existsSync(dir)).toBe(true);
  const disposal = await client.disposeSavepoint({ savepointPath: location });
  const disposed = await pollUntil('the disposal', async () => {
    const r = await client.disposalStatus(disposal.triggerId);
    return r.kind === 'pending' ? undefined : r;
  });
  expect(disposed).toEqual({ kind: 'completed' });
  expect(existsSync(dir)).toBe(false);
});

test('disposing a savepoint that does not exist: Flink finds nothing there (not-found, with its cause)', async () => {
  const disposal = await client.disposeSavepoint({ savepointPath: `file://${path.join(base, 'no-such-savepoint')}` });
  const result = await pollUntil('the disposal', async () => {
    const r = await client.disposalStatus(disposal.triggerId);
    return r.kind === 'pending' ? undefined : r;
  });
  expect(result).toEqual({ kind: 'not-found', cause: expect.stringContaining('no-such-savepoint') });
});

test('a savepoint into a directory of our choice, in NATIVE format', async () => {
  const target = path.join(base, 'chosen-savepoints');
  const triggerId = newTriggerId();
  await client.triggerSavepoint({ jobId: cluster.jobId, triggerId, targetDirectory: target, formatType: 'NATIVE' });
  const location = await completedSavepoint(cluster.jobId, triggerId);
  expect(fileURLToPath(location).startsWith(target)).toBe(true);
  expect(existsSync(fileURLToPath(location))).toBe(true);
});

test('a manual checkpoint completes and shows as the latest completed one', async () => {
  const triggerId = newTriggerId();
  expect(await client.triggerCheckpoint({ jobId: cluster.jobId, triggerId, checkpointType: 'FULL' })).toEqual({
    triggerId,
  });
  const result = await pollUntil('the checkpoint', async () => {
    const r = await client.checkpointStatus(cluster.jobId, triggerId);
    return r.kind === 'pending' ? undefined : r;
  });
  if (result.kind !== 'completed') throw new Error(`checkpoint failed: ${JSON.stringify(result)}`);
  // The statistics are cached by the REST handler for a few seconds: poll.
  const stats = await pollUntil('the checkpoint in the statistics', async () => {
    const s = await client.checkpoints(cluster.jobId);
    return (s.latestCompleted?.id ?? 0) >= result.checkpointId ? s : undefined;
  });
  expect(stats.counts.completed).toBeGreaterThan(0);
  expect(stats.latestRestored).toBeUndefined();
});

test("vertex metrics carry the counter job's gauge", async () => {
  const total = await pollUntil('counterTotal > 0', async () => {
    const t = await readCounterTotal(client, cluster.jobId);
    return t !== undefined && t > 0 ? t : undefined;
  });
  expect(total).toBeGreaterThan(0);
  const job = await client.jobDetails(cluster.jobId);
  const vertex = job.vertices.find((v) => v.name.startsWith(counterJob.operatorName));
  const values = await client.vertexMetrics({
    jobId: cluster.jobId,
    vertexId: vertex?.id ?? '',
    metrics: ['0.counter.counterTotal'],
  });
  expect(Number(values['0.counter.counterTotal'])).toBeGreaterThan(0);
});

test('an unknown job id or trigger id is a domain error: FLINK_NOT_FOUND, not retryable', async () => {
  const err = await client.jobDetails(unknownJobId).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(FlinkApiError);
  expect(err).toMatchObject({ code: FlinkErrorCode.NotFound, status: 404, retryable: false });
  expect(isFlinkError(err)).toBe(true);
  await expect(client.checkpoints(unknownJobId)).rejects.toMatchObject({ code: FlinkErrorCode.NotFound });
  await expect(client.cancelJob(unknownJobId)).rejects.toMatchObject({ code: FlinkErrorCode.NotFound });
  // Flink accepts a savepoint trigger for any job id; its status then says the job is unknown.
  const triggerId = newTriggerId();
  await client.triggerSavepoint({ jobId: unknownJobId, triggerId });
  const answer = await pollUntil('the status of the trigger', () =>
    client.savepointStatus(unknownJobId, triggerId).then(
      (r) => (r.kind === 'pending' ? undefined : r),
      (e: unknown) => e,
    ),
  );
  expect(answer).toBeInstanceOf(FlinkApiError);
  expect(answer).toMatchObject({
    code: FlinkErrorCode.NotFound,
    retryable: false,
    message: expect.stringMatching(/Could not find Flink job/),
  });
  await expect(client.savepointStatus(cluster.jobId, newTriggerId())).rejects.toMatchObject({
    code: FlinkErrorCode.NotFound,
    retryable: false,
  });
});

test('a closed port is a transport error: FLINK_UNREACHABLE, retryable', async () => {
  const closed = new FlinkRestClient({ baseUrl: 'http://127.0.50.250:8081' });
  const err = await closed.overview().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(FlinkTransportError);
  expect(err).toMatchObject({ code: FlinkErrorCode.Unreachable, retryable: true });
});

describe('a server that accepts connections and never answers', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    silent = createServer((s) => {
      sockets.add(s);
    });
    await new Promise<void>((resolve) => silent.listen(18081, '127.0.50.251', resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  test('the per-call timeout gives FLINK_TIMEOUT, retryable', async () => {
    const slow = new FlinkRestClient({ baseUrl: 'http://127.0.50.251:18081', timeouts: { read: 5_000 } });
    await expect(slow.overview({ timeoutMs: 300 })).rejects.toMatchObject({
      code: FlinkErrorCode.Timeout,
      retryable: true,
    });
  });

  test("the caller's AbortSignal gives FLINK_ABORTED, not retryable", async () => {
    const slow = new FlinkRestClient({ baseUrl: 'http://127.0.50.251:18081' });
    const controller = new AbortController();
    const call = slow.overview({ signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: FlinkErrorCode.Aborted, retryable: false });
  });
});

test('cancel: the job ends CANCELED and its exception history is readable', async () => {
  await client.cancelJob(cluster.jobId);
  await pollUntil('job CANCELED', async () =>
    (await client.jobDetails(cluster.jobId)).state === 'CANCELED' ? true : undefined,
  );
  const exceptions = await client.jobExceptions(cluster.jobId);
  expect(Array.isArray(exceptions.exceptionHistory.entries)).toBe(true);
  // The JobManager stays up after the job ended (execution.shutdown-on-application-finish: false).
  expect(await client.listJobs()).toEqual([{ id: cluster.jobId, status: 'CANCELED' }]);
});
