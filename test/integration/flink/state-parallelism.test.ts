/**
 * The pre-flight's state parallelism check (src/activities/state-parallelism.ts) against real Flink 2.3: Flink's
 * StateMachineExample (keyed state) runs at parallelism 2 with `pipeline.max-parallelism: 4` (as a job first run
 * at a parallelism up to 85 gets 128 from Flink). The check reads, from the running job, which vertices hold state
 * and their max parallelism, and refuses parallelism 6 but not 4; then Flink itself, given the job's savepoint and
 * no max parallelism of its own, refuses to restore it at 6 (and under a max parallelism of 8) and restores it
 * at 4. The pre-flight activity, given the application's record on the stack's kube-apiserver, refuses the
 * upgrade to 6 (InvalidSpec, nothing changed) while the job runs, and passes the one to 4.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { activityConfigOf } from '../../../src/activities';
import { preflightActivities } from '../../../src/activities/preflight';
import { stateParallelismProblem, statefulVertices } from '../../../src/activities/state-parallelism';
import { loadSettings } from '../../../src/config/settings';
import { AppStatus } from '../../../src/contract/deployed-state';
import { FlinkRestClient } from '../../../src/flink';
import { createKubeFacade } from '../../../src/k8s';
import { emptyRecord } from '../../../src/k8s/state-record/types';
import { applyFlinkRbac } from '../../../scripts/lib/flink-rbac';
import { adminClients, testNamespace } from '../k8s/support';
import { type AppSpec } from '../../../src/spec';
import { stateMachineExample } from '../../support/counter-job';
import { newJobId, startFlinkCluster, type LocalFlinkCluster } from '../../support/local-flink';
import { pollUntil } from './poll';
import { counterSpec } from '../../support/counter-spec';

const admin = adminClients();
const facade = createKubeFacade(admin);
let base: string;
let ns: { name: string; cleanup: () => Promise<void> };
const clusters: LocalFlinkCluster[] = [];
beforeAll(async () => {
  base = mkdtempSync(path.join(os.tmpdir(), 'fd-state-parallelism-'));
  ns = await testNamespace(admin, 'fd-state-parallelism');
  await applyFlinkRbac(facade, ns.name);
});
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
  await ns?.cleanup();
  rmSync(base, { recursive: true, force: true });
});

const checkpointing = { 'execution.checkpointing.interval': '1s' };
const specAt = (parallelism: number, maxParallelism?: number): AppSpec => {
  const s = counterSpec();
  s.namespace = ns.name;
  s.job.parallelism = parallelism;
  if (maxParallelism) s.flinkConfiguration['pipeline.max-parallelism'] = String(maxParallelism);
  return s;
};

async function start(
  name: string,
  parallelism: number,
  options: { maxParallelism?: number; fromSavepoint?: string } = {},
): Promise<LocalFlinkCluster> {
  const { maxParallelism, fromSavepoint } = options;
  const config = maxParallelism
    ? { ...checkpointing, 'pipeline.max-parallelism': String(maxParallelism) }
    : checkpointing;
  const cluster = await startFlinkCluster({
    ip: `127.0.51.${clusters.length + 2}`,
    jobJar: stateMachineExample.jar,
    jobClass: stateMachineExample.mainClass,
    jobId: newJobId(),
    jobArgs: ['--rps', '50'],
    parallelism,
    config,
    ...(fromSavepoint ? { fromSavepoint } : {}),
    workDir: path.join(base, name),
  });
  clusters.push(cluster);
  return cluster;
}

test('over the max parallelism of the state: refused before the stop, as Flink refuses it after', async () => {
  const first = await start('first', 2, { maxParallelism: 4 });
  const client = new FlinkRestClient({ baseUrl: first.restUrl });
  const state = await pollUntil('a completed checkpoint with state', async () => {
    const s = await statefulVertices(client, first.jobId).catch(() => undefined);
    return s && s.vertices.length > 0 ? s : undefined;
  });
  expect(state.vertices.every((v) => v.maxParallelism === 4 && v.parallelism === 2)).toBe(true);
  const problem = stateParallelismProblem(specAt(2), specAt(6), state);
  expect(problem).toContain(`spec.job.parallelism 6 is over the max parallelism the state of job ${first.jobId}`);
  expect(problem).toContain('(max parallelism 4)');
  expect(problem).toContain('Set spec.job.parallelism to 4 or less');
  expect(stateParallelismProblem(specAt(2), specAt(4), state)).toBeUndefined();

  // The pre-flight of an upgrade of the application whose record names the running job.
  await facade.records.createRecord(ns.name, {
    ...emptyRecord(ns.name, 'counter'),
    status: AppStatus.Running,
    generation: 1,
    jobId: first.jobId,
    lastAppliedSpec: specAt(2),
  });
  const { preflightApplication } = preflightActivities({
    kube: facade,
    flinkFor: () => Promise.resolve(client),
    config: activityConfigOf(loadSettings({}, {})),
  });
  const refusal = await new MockActivityEnvironment()
    .run(preflightApplication, { spec: specAt(6), generation: 2 })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(refusal).toBeInstanceOf(ApplicationFailure);
  expect(refusal).toMatchObject({ type: 'InvalidSpec', nonRetryable: true });
  expect((refusal as Error).message).toContain('spec.job.parallelism 6 is over the max parallelism');
  await new MockActivityEnvironment().run(preflightApplication, { spec: specAt(4), generation: 2 });
  expect((await client.jobDetails(first.jobId)).state).toBe('RUNNING');

  const triggerId = randomBytes(16).toString('hex');
  // NATIVE: the example keeps its state with Flink 2's async state API, which has no canonical format yet.
  await client.stopWithSavepoint({ jobId: first.jobId, triggerId, formatType: 'NATIVE' });
  const result = await pollUntil('the savepoint', async () => {
    const r = await client.savepointStatus(first.jobId, triggerId);
    return r.kind === 'pending' ? undefined : r;
  });
  if (result.kind !== 'completed') throw new Error(`savepoint did not complete: ${JSON.stringify(result)}`);
  await first.stop();

  // Flink at 6: the restore fails, naming the max parallelism of the state.
  const over = await start('at-6', 6, { fromSavepoint: result.location });
  const overClient = new FlinkRestClient({ baseUrl: over.restUrl });
  const failed = await pollUntil(
    'the job at parallelism 6 FAILED',
    async () => {
      const job = await overClient.jobDetails(over.jobId).catch(() => undefined);
      return job?.state === 'FAILED' ? job : undefined;
    },
    120_000,
  );
  expect(failed.state).toBe('FAILED');
  const exceptions = JSON.stringify(await overClient.jobExceptions(over.jobId));
  expect(exceptions).toContain(
    'The maximum parallelism (4) of the restored state is lower than the configured parallelism (6)',
  );
  await over.stop();

  // Flink under another max parallelism (8) at the same parallelism: the restore fails too, and the check says so.
  expect(stateParallelismProblem(specAt(2, 4), specAt(2, 8), state)).toContain(
    'pipeline.max-parallelism 8 is not the 4 the state of job',
  );
  const otherMax = await start('max-8', 2, { maxParallelism: 8, fromSavepoint: result.location });
  const otherMaxClient = new FlinkRestClient({ baseUrl: otherMax.restUrl });
  await pollUntil(
    'the job under max parallelism 8 FAILED',
    async () =>
      (await otherMaxClient.jobDetails(otherMax.jobId).catch(() => undefined))?.state === 'FAILED' || undefined,
    120_000,
  );
  expect(JSON.stringify(await otherMaxClient.jobExceptions(otherMax.jobId))).toContain(
    'Max parallelism mismatch between checkpoint/savepoint state and new program',
  );
  await otherMax.stop();

  // Flink at 4: restored.
  const fits = await start('at-4', 4, { fromSavepoint: result.location });
  const fitsClient = new FlinkRestClient({ baseUrl: fits.restUrl });
  const restored = await pollUntil(
    'the job at parallelism 4 restored',
    async () => (await fitsClient.checkpoints(fits.jobId).catch(() => undefined))?.latestRestored,
    120_000,
  );
  expect(restored).toMatchObject({ isSavepoint: true, externalPath: result.location });
  expect((await fitsClient.jobDetails(fits.jobId)).state).toBe('RUNNING');
});
