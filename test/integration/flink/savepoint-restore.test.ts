/**
 * Issue 2's proof and the stop-with-savepoint contract, on real Flink 2.3 processes:
 * the counter job runs, stop-with-savepoint leaves it FINISHED with the savepoint location still
 * readable (the JobManager stays up), and a second cluster restored from that savepoint reports
 * it in `latest.restored` and continues every key's count exactly where the first run stopped.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlinkRestClient } from '../../../src/flink';
import { counterJob, counterJobArgs, readCounterOutput, readCounterTotal } from '../../support/counter-job';
import { newJobId, startFlinkCluster, type LocalFlinkCluster } from '../../support/local-flink';
import { pollUntil } from './poll';

const keys = 4;
let base: string;
const clusters: LocalFlinkCluster[] = [];

beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'fd-flink-restore-'));
});
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
  rmSync(base, { recursive: true, force: true });
});

async function runningJob(client: FlinkRestClient, jobId: string): Promise<void> {
  await pollUntil(
    `job ${jobId} RUNNING with all tasks running`,
    async () => {
      const job = await client.jobDetails(jobId);
      return job.state === 'RUNNING' && job.vertices.every((v) => v.status === 'RUNNING') ? true : undefined;
    },
    90_000,
  );
}

test("stop-with-savepoint, then a restore from it continues every key's count", async () => {
  // Run 1: count until every key has been counted a few times and a checkpoint completed.
  const out1 = path.join(base, 'out-1');
  const first = await startFlinkCluster({
    ip: '127.0.50.2',
    jobJar: counterJob.jar,
    jobClass: counterJob.mainClass,
    jobId: newJobId(),
    jobArgs: counterJobArgs({ output: out1, keys, rate: 40 }),
    workDir: path.join(base, 'run-1'),
  });
  clusters.push(first);
  const client1 = new FlinkRestClient({ baseUrl: first.restUrl });
  await runningJob(client1, first.jobId);
  await pollUntil('every key counted 5 times', () => {
    const o = readCounterOutput(out1);
    return o.lastByKey.size === keys && [...o.lastByKey.values()].every((c) => c >= 5) ? o : undefined;
  });
  await pollUntil(
    'the counterTotal gauge',
    async () => ((await readCounterTotal(client1, first.jobId)) ?? 0) > 0 || undefined,
  );

  // Stop with savepoint, with our trigger id.
  const triggerId = randomBytes(16).toString('hex');
  const trigger = await client1.stopWithSavepoint({ jobId: first.jobId, triggerId });
  expect(trigger.triggerId).toBe(triggerId);
  const result = await pollUntil('the stop-with-savepoint result', async () => {
    const r = await client1.savepointStatus(first.jobId, triggerId);
    return r.kind === 'pending' ? undefined : r;
  });
  if (result.kind !== 'completed') throw new Error(`savepoint did not complete: ${JSON.stringify(result)}`);
  const location = result.location;
  expect(location.startsWith(`file:${first.savepointDir}`)).toBe(true);

  // The job is FINISHED and the JobManager still answers where the savepoint is.
  await pollUntil('job FINISHED', async () =>
    (await client1.jobDetails(first.jobId)).state === 'FINISHED' ? true : undefined,
  );
  expect(await client1.savepointStatus(first.jobId, triggerId)).toEqual({ kind: 'completed', location });
  // A retried stop (same trigger id, e.g. after a worker crash) is the same operation.
  expect(await client1.stopWithSavepoint({ jobId: first.jobId, triggerId })).toEqual({ triggerId });
  expect(await client1.savepointStatus(first.jobId, triggerId)).toEqual({ kind: 'completed', location });
  // A new stop of the finished job is accepted, and its status says the job is gone: the
  // domain error FLINK_NOT_FOUND ("already stopped: go find the savepoint").
  const again = randomBytes(16).toString('hex');
  await client1.stopWithSavepoint({ jobId: first.jobId, triggerId: again });
  const refusal = await pollUntil('the refused stop', () =>
    client1.savepointStatus(first.jobId, again).then(
      (r) => (r.kind === 'pending' ? undefined : r),
      (e: unknown) => e,
    ),
  );
  expect(refusal).toMatchObject({ code: 'FLINK_NOT_FOUND', retryable: false });
  const stats1 = await client1.checkpoints(first.jobId);
  expect(stats1.latestSavepoint?.externalPath).toBe(location);
  expect((await client1.overview())['jobs-finished']).toBe(1);

  const before = readCounterOutput(out1);
  await first.stop();

  // Run 2: a new cluster and job id, restored from the savepoint.
  const out2 = path.join(base, 'out-2');
  const second = await startFlinkCluster({
    ip: '127.0.50.3',
    jobJar: counterJob.jar,
    jobClass: counterJob.mainClass,
    jobId: newJobId(),
    fromSavepoint: location,
    jobArgs: counterJobArgs({ output: out2, keys, rate: 40 }),
    workDir: path.join(base, 'run-2'),
  });
  clusters.push(second);
  const client2 = new FlinkRestClient({ baseUrl: second.restUrl });
  await runningJob(client2, second.jobId);

  const restored = await pollUntil(
    'latest.restored',
    async () => (await client2.checkpoints(second.jobId)).latestRestored,
  );
  expect(restored).toMatchObject({ isSavepoint: true, externalPath: location });

  const after = await pollUntil('every key counted after the restore', () => {
    const o = readCounterOutput(out2);
    return o.firstByKey.size === keys ? o : undefined;
  });
  for (let key = 0; key < keys; key++) {
    expect({ key, first: after.firstByKey.get(key) }).toEqual({ key, first: (before.lastByKey.get(key) ?? 0) + 1 });
  }
  const savedTotal = [...before.lastByKey.values()].reduce((a, b) => a + b, 0);
  const total = await pollUntil('counterTotal after the restore', async () => {
    const t = await readCounterTotal(client2, second.jobId);
    return t !== undefined && t > savedTotal ? t : undefined;
  });
  expect(total).toBeGreaterThan(savedTotal);
});
