/**
 * Issue 11 item 7 on the whole local stack: from `failed` or an operation that never finished
 * there is always a next step. A first deploy whose job FAILS: re-applying runs again (never
 * "nothing changed"), a fixed spec deploys. An upgrade terminated in WaitingForStable (as
 * `temporal workflow terminate` does): the next apply of the same spec finishes it and says so.
 * A delete terminated after its final savepoint (the job stopped, the record still `running`): the
 * manifest applied again deploys from THAT savepoint, and the counter goes on from it. A suspend
 * terminated once its stop-with-savepoint landed, before it recorded it: the same, from the
 * savepoint the lock's takeover finds by its trigger id; its trigger forgotten by Flink, from the savepoint Flink
 * names for the FINISHED job (recorded by apply); its JobManager restarted since (Flink no longer knows the job): apply
 * fails naming where the state may be and what to run, and the manifest naming THAT savepoint deploys from it.
 * The other branches (undo, --from-scratch, rollback/suspend from failed, a late cancel):
 * test/integration/workflows/state-first.test.ts, after-unfinished-operation.test.ts.
 */
import { markOutput } from '../../scripts/lib/counter-app';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hasErrorCode } from '../../src/contract/errors';
import { operationWorkflowId } from '../../src/contract/ids';
import { FlinkErrorCode } from '../../src/flink';
import type { AppRecord } from '../../src/activities/record-changes';
import {
  continuity,
  core,
  countsByKey,
  E2eEnv,
  eventually,
  expectContinuedFromCheckpoint,
  expectRestoredFrom,
  flinkOf,
  localPathOf,
  newCountsOfEveryKey,
  readRecord,
  removeApp,
  sameLocation,
} from '../support/e2e';
import { eventually as pollEventually } from '../support/eventually';
import { setUpWithTemporal, untilServerPhase } from '../support/e2e-temporal';

const env = new E2eEnv('e2e-stuck');
const client = setUpWithTemporal(env);

const wait = ['--wait', '--timeout', '5m'];

test('a first deploy whose job FAILED: re-applying runs again, then a fixed spec deploys', async () => {
  const app = 'first-broken';
  const broken = env.manifest(app, { extraArgs: ['--fail-after-records', '0'], timeoutSeconds: 60 });
  const first = await env.cli(['apply', '-f', broken, ...wait]);
  expect(first.code).not.toBe(0);
  const failedJob = (await readRecord(env.namespace, app)).jobId;

  const again = await env.cli(['apply', '-f', broken, ...wait]);
  expect(again.code).not.toBe(0); // ran again over the dead job: never "nothing changed", exit 0
  expect(again.stdout + again.stderr).not.toContain('nothing changed');
  expect((await readRecord(env.namespace, app)).jobId).not.toBe(failedJob);

  const fixed = await env.cli(['apply', '-f', env.manifest(app), ...wait]);
  expect(fixed.code).toBe(0);
  expect(fixed.stdout + fixed.stderr).toContain('the last operation never finished');
  const record = await readRecord(env.namespace, app);
  expect(record).toMatchObject({ status: 'running', operation: null, lastStableJobId: record.jobId });
  expect(record.lastStableSpec?.job.args).not.toContain('--fail-after-records');
  expect((await (await flinkOf(env.namespace, app)).jobDetails(record.jobId!)).state).toBe('RUNNING');
  await removeApp(env.namespace, app);
});

test('an upgrade terminated in WaitingForStable: apply of the same spec finishes it, verified stable', async () => {
  const app = 'terminated';
  expect((await env.cli(['apply', '-f', env.manifest(app, { parallelism: 2 }), ...wait])).code).toBe(0);
  const before = await readRecord(env.namespace, app);

  const v2 = env.manifest(app, { parallelism: 3, windowSeconds: 30 });
  expect((await env.cli(['apply', '-f', v2, '--no-wait'])).code).toBe(0);
  await eventually('the upgrade waits for stability', async () =>
    (await readRecord(env.namespace, app)).operation?.phase === 'WaitingForStable' ? true : undefined,
  );
  // Terminated inside the stability window: the new job runs (before it does, the next apply finds
  // it NOT_FOUND and redeploys from the upgrade's savepoint, which the message says too).
  const newJob = (await readRecord(env.namespace, app)).jobId!;
  await eventually('the new job runs', async () => {
    const flink = await flinkOf(env.namespace, app).catch(() => undefined);
    const state = await flink?.jobDetails(newJob).then(
      (d) => d.state as string,
      () => undefined,
    );
    return state === 'RUNNING' ? true : undefined;
  });
  await client.workflow
    .getHandle(operationWorkflowId({ namespace: env.namespace, name: app }))
    .terminate('terminated by an operator');
  const interrupted = await readRecord(env.namespace, app);
  expect(interrupted.jobId).not.toBe(before.jobId);
  expect(interrupted.lastStableJobId).toBe(before.jobId);

  const again = await env.cli(['apply', '-f', v2, ...wait]);

  expect(again.code).toBe(0);
  expect(again.stdout + again.stderr).toContain('finished the interrupted operation');
  const record = await readRecord(env.namespace, app);
  expect(record).toMatchObject({ status: 'running', operation: null, jobId: interrupted.jobId });
  expect(record.lastStableJobId).toBe(interrupted.jobId);
  expect(record.lastStableSpec?.job.parallelism).toBe(before.lastStableSpec?.job.parallelism);
  await removeApp(env.namespace, app);
});

test('a delete terminated after its final savepoint: the manifest applied again deploys from it', async () => {
  const app = 'undeleted';
  const { out, manifest, before } = await deployedCounting(app);

  expect((await env.cli(['delete', app, '-n', env.namespace, '--no-wait'])).code).toBe(0);
  const handle = client.workflow.getHandle(operationWorkflowId({ namespace: env.namespace, name: app }));
  // Terminated once the job is stopped with its final savepoint (recorded before RemovingDeployments is entered).
  await untilServerPhase(handle, 'RemovingDeployments', 180_000);
  await handle.terminate('terminated by an operator');
  const left = await readRecord(env.namespace, app);
  expect(left).toMatchObject({ status: 'running', jobId: before.jobId });
  const final = left.savepoints.find((s) => s.kind === 'final' && s.jobId === before.jobId)?.location;
  expect(final).toBeDefined();

  await appliedAgainFrom(app, { manifest, out, before, savepoint: final!, why: 'its delete ended abandoned in phase' });
  await removeApp(env.namespace, app);
});

test('a suspend terminated once its stop-with-savepoint landed: apply of the manifest deploys from it', async () => {
  const app = 'unsuspended';
  const { out, manifest, before } = await deployedCounting(app);
  const { triggerId, taken } = await suspendStoppedUnrecorded(app, before);

  const why = 'its suspend ended abandoned in phase Savepointing; Flink: FINISHED';
  const record = await appliedAgainFrom(app, { manifest, out, before, savepoint: taken, why });
  // The savepoint the stop took, recorded by the lock's takeover (asked of Flink by its trigger id).
  expect(record.savepoints).toContainEqual(
    expect.objectContaining({ location: taken, kind: 'suspend', triggerId, jobId: before.jobId }),
  );
  await removeApp(env.namespace, app);
});

test('the same, its trigger forgotten by Flink: apply deploys from the savepoint Flink names for the job', async () => {
  const app = 'forgotten';
  // Flink remembers a savepoint trigger's result this long (1 h by default here): a suspend's run closed longer ago.
  const { out, manifest, before } = await deployedCounting(app, {
    flinkConfiguration: { 'rest.async.store-duration': '3 s' },
  });
  const { triggerId, taken } = await suspendStoppedUnrecorded(app, before);
  const flink = await flinkOf(env.namespace, app);
  await eventually('Flink forgets the trigger', async () =>
    flink.savepointStatus(before.jobId!, triggerId).then(
      () => undefined,
      (err: unknown) => (hasErrorCode(err, FlinkErrorCode.NotFound) ? true : undefined),
    ),
  );

  const why = 'its suspend ended abandoned in phase Savepointing; Flink: FINISHED';
  const record = await appliedAgainFrom(app, { manifest, out, before, savepoint: taken, why });
  // The takeover could not ask Flink for it; apply read it from the job's checkpoint statistics and recorded it as
  // the suspend's (no trigger id to vouch for), once: no savepoint on disk in no record.
  const entries = record.savepoints.filter((s) => sameLocation(s.location, taken));
  expect(entries).toEqual([expect.objectContaining({ kind: 'suspend', triggerId: null, jobId: before.jobId })]);
  expect(record.history.at(-2)).toMatchObject({ type: 'suspend', outcome: 'abandoned' });
  await removeApp(env.namespace, app);
});

test('its JobManager restarted since: apply fails naming the choices; THAT savepoint named deploys', async () => {
  const app = 'unknown';
  const { out, manifest, before } = await deployedCounting(app);
  const { taken } = await suspendStoppedUnrecorded(app, before);
  // The JobManager pod deleted after the stop (a node lost): its replacement does not know the FINISHED job, nor the
  // stop's trigger (the job's result is in HA's job result store, so the job is not run again).
  const selector = `app.kubernetes.io/instance=${app},app.kubernetes.io/component=jobmanager`;
  const pods = (await core.listNamespacedPod({ namespace: env.namespace, labelSelector: selector })).items;
  for (const pod of pods) await core.deleteNamespacedPod({ namespace: env.namespace, name: pod.metadata!.name! });
  const deleted = pods.map((p) => p.metadata!.name!);
  await eventually('the JobManager pod replaced', async () => {
    const now = (await core.listNamespacedPod({ namespace: env.namespace, labelSelector: selector })).items;
    return now.length > 0 && now.every((p) => !deleted.includes(p.metadata!.name!)) ? true : undefined;
  });
  const answer = await eventually('a new JobManager answers for the job', async () => {
    const flink = await flinkOf(env.namespace, app).catch(() => undefined);
    if (!flink) return undefined;
    if (!(await flink.listJobs().catch(() => undefined))) return undefined;
    return flink.jobDetails(before.jobId!).then(
      (job) => job.state,
      (err: unknown) => (hasErrorCode(err, FlinkErrorCode.NotFound) ? 'NOT_FOUND' : undefined),
    );
  });
  expect(answer).toBe('NOT_FOUND');

  const failed = await env.cli(['apply', '-f', manifest, ...wait, '-o', 'json']);

  expect(failed.code).toBe(1);
  const report = JSON.parse(failed.stdout) as { status: string; failureType?: string; message?: string };
  expect(report).toMatchObject({ status: 'failed', failureType: 'StateUnknown' });
  expect(report.message).toContain(`Flink does not know job ${before.jobId}`);
  expect(report.message).toContain(`savepoint-${before.jobId!.slice(0, 6)}-… under file://`);
  expect(report.message).toContain('Set spec.job.initialSavepointPath');
  const left = await readRecord(env.namespace, app);
  expect(left).toMatchObject({ status: 'failed', generation: before.generation, jobId: before.jobId, operation: null });
  expect(left.failureReason).toContain(`Flink does not know job ${before.jobId}`);
  // `status` leads to the manifest (rollback would restore the older, recorded state), the choices in its why.
  const status = await env.cli(['status', app, '-n', env.namespace, '-o', 'json']);
  const { nextStep } = JSON.parse(status.stdout) as { nextStep: { command: string; why: string } };
  expect(nextStep.command).toBe('flink-deploy apply -f <manifest>');
  expect(nextStep.why).toContain('Set spec.job.initialSavepointPath');

  // The person looks under the folder the message names and picks the newest savepoint of that job: THAT one.
  const chosen = `file://${localPathOf(taken)}`;
  const named = path.join(path.dirname(manifest), 'manifest-chosen.yaml');
  writeFileSync(
    named,
    readFileSync(manifest, 'utf8').replace(
      '    upgradeMode: savepoint\n',
      `    upgradeMode: savepoint\n    initialSavepointPath: ${chosen}\n`,
    ),
  );
  const why = `status failed, job ${before.jobId}; Flink: NOT_FOUND`;
  await appliedAgainFrom(app, { manifest: named, out, before, savepoint: chosen, why });
  await removeApp(env.namespace, app);
});

test('a last-state upgrade terminated after its cancel: the old manifest applied restores its checkpoint', async () => {
  const app = 'uncancelled';
  const out = env.outputDir(app, 'gen-1');
  const v1 = env.manifest(app, { upgradeMode: 'last-state', output: out });
  expect((await env.cli(['apply', '-f', v1, ...wait])).code).toBe(0);
  const before = await readRecord(env.namespace, app);
  await newCountsOfEveryKey(out);

  const v2 = env.manifest(app, { upgradeMode: 'last-state', parallelism: 3, output: env.outputDir(app, 'gen-2') });
  expect((await env.cli(['apply', '-f', v2, '--no-wait'])).code).toBe(0);
  const handle = client.workflow.getHandle(operationWorkflowId({ namespace: env.namespace, name: app }));
  // The worker frozen once the upgrade recorded Cancelling (written before it cancels); the cancel lands (sent here:
  // the same request if the worker sent it first); the worker dies and the run is terminated. The checkpoint the job
  // left is in no record.
  await pollEventually(
    'the upgrade records Cancelling',
    async () => ((await readRecord(env.namespace, app)).operation?.phase === 'Cancelling' ? true : undefined),
    { timeoutMs: 180_000, intervalMs: 20 },
  );
  env.worker!.kill('SIGSTOP');
  const flink = await flinkOf(env.namespace, app);
  await flink.cancelJob(before.jobId!).catch((err: unknown) => {
    if (!hasErrorCode(err, FlinkErrorCode.Conflict, FlinkErrorCode.NotFound)) throw err;
  });
  await eventually('the job is CANCELED', async () =>
    (await flink.jobDetails(before.jobId!)).state === 'CANCELED' ? true : undefined,
  );
  await env.killWorker();
  await handle.terminate('terminated by an operator');
  env.startWorker();
  const left = await readRecord(env.namespace, app);
  expect(left).toMatchObject({ status: 'running', jobId: before.jobId, operation: { phase: 'Cancelling' } });
  expect(left.savepoints.filter((s) => s.jobId === before.jobId)).toEqual([]);

  const mark = markOutput(out);
  const old = countsByKey(out);
  // The manifest the record holds applied again (the upgrade given up): the job it names was cancelled.
  const again = await env.cli(['apply', '-f', v1, ...wait, '-o', 'json']);

  expect({ code: again.code, stderr: again.stderr.slice(-2000) }).toMatchObject({ code: 0 });
  const report = JSON.parse(again.stdout) as { operation: string; restoredFrom?: string; message: string };
  expect(report.operation).toBe('deploy');
  expect(report.message).toMatch(/ended abandoned in phase Cancelling; Flink: CANCELED/);
  const record = await readRecord(env.namespace, app);
  // The checkpoint Flink names for the cancelled job, recorded before the deploy, is what the new job restored.
  const checkpoint = record.savepoints.find((s) => s.kind === 'checkpoint' && s.jobId === before.jobId);
  expect(localPathOf(checkpoint?.location ?? '')).toMatch(
    new RegExp(`^${path.join(env.dir, app, 'checkpoints', before.jobId!)}/chk-\\d+/?$`),
  );
  expect(sameLocation(report.restoredFrom, checkpoint?.location)).toBe(true);
  expect(record).toMatchObject({ status: 'running', operation: null, lastStableJobId: record.jobId });
  expect(record.lastStableSpec?.job.parallelism).toBe(before.lastStableSpec?.job.parallelism);
  await expectRestoredFrom(env.namespace, app, record.jobId!, checkpoint!.location);
  expectContinuedFromCheckpoint(old, await newCountsOfEveryKey(out, { since: mark }));
  await removeApp(env.namespace, app);
});

/** The counter deployed (with `opts`), writing to its own output, every key counted. */
async function deployedCounting(
  app: string,
  opts: Parameters<E2eEnv['manifest']>[1] = {},
): Promise<{ out: string; manifest: string; before: AppRecord }> {
  const out = env.outputDir(app, 'counts');
  const manifest = env.manifest(app, { ...opts, output: out });
  expect((await env.cli(['apply', '-f', manifest, ...wait])).code).toBe(0);
  const before = await readRecord(env.namespace, app);
  await newCountsOfEveryKey(out);
  return { out, manifest, before };
}

/**
 * The manifest applied again over a job stopped with `savepoint` by an operation that never finished: deployed from
 * THAT savepoint as the next generation, the message saying why, every key's first new count its last + 1.
 */
async function appliedAgainFrom(
  app: string,
  opts: { manifest: string; out: string; before: AppRecord; savepoint: string; why: string },
): Promise<AppRecord> {
  const { out, before, savepoint } = opts;
  const mark = markOutput(out);
  const old = countsByKey(out);

  const again = await env.cli(['apply', '-f', opts.manifest, ...wait, '-o', 'json']);

  expect({ code: again.code, stderr: again.stderr.slice(-2000) }).toMatchObject({ code: 0 });
  const report = JSON.parse(again.stdout) as {
    operation: string;
    outcome: string;
    restoredFrom?: string;
    message: string;
  };
  expect(report).toMatchObject({ operation: 'deploy', outcome: 'succeeded', restoredFrom: savepoint });
  expect(report.message).toContain(`the last operation never finished (${opts.why}`);
  const record = await readRecord(env.namespace, app);
  expect(record).toMatchObject({ status: 'running', operation: null, lastStableJobId: record.jobId });
  expect(record.generation).toBe(before.generation + 1);
  await expectRestoredFrom(env.namespace, app, record.jobId!, savepoint);
  // Stopped with its savepoint, so restored exactly: every key's first new count is its last count + 1.
  const keys = continuity(old, await newCountsOfEveryKey(out, { since: mark }));
  expect(keys).toEqual(keys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));
  return record;
}

/**
 * A suspend of `app` whose stop-with-savepoint landed and was never recorded: the worker frozen once the suspend
 * recorded Savepointing (written before it triggers); its stop-with-savepoint lands (sent here with the trigger id
 * the suspend recorded: the same request if the worker sent it first) and completes; the worker then dies and the
 * run is terminated, as an operator does with a run no worker picks up. The savepoint is in no record.
 */
async function suspendStoppedUnrecorded(app: string, before: AppRecord): Promise<{ triggerId: string; taken: string }> {
  expect((await env.cli(['suspend', app, '-n', env.namespace, '--no-wait'])).code).toBe(0);
  const handle = client.workflow.getHandle(operationWorkflowId({ namespace: env.namespace, name: app }));
  const entered = await pollEventually(
    'the suspend records Savepointing',
    async () => {
      const record = await readRecord(env.namespace, app);
      return record.operation?.phase === 'Savepointing' ? record : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 20 },
  );
  env.worker!.kill('SIGSTOP');
  const triggerId = entered.operation?.intent?.triggerId;
  if (typeof triggerId !== 'string') throw new Error('the suspend recorded no trigger id before Savepointing');
  const flink = await flinkOf(env.namespace, app);
  await flink.stopWithSavepoint({ jobId: before.jobId!, triggerId }).catch((err: unknown) => {
    if (!hasErrorCode(err, FlinkErrorCode.Conflict)) throw err; // already stopping with it
  });
  const taken = await eventually('the stop-with-savepoint completes', async () => {
    const status = await flink.savepointStatus(before.jobId!, triggerId);
    if (status.kind !== 'completed') throw new Error(`trigger ${triggerId}: ${status.kind}`);
    return status.location;
  });
  await env.killWorker();
  await handle.terminate('terminated by an operator');
  env.startWorker();
  const left = await readRecord(env.namespace, app);
  expect(left).toMatchObject({ status: 'running', jobId: before.jobId });
  expect(left.operation?.phase).toBe('Savepointing');
  expect(left.savepoints.map((s) => s.location)).not.toContain(taken);
  return { triggerId, taken };
}
