/**
 * Issue 11 item 7 on the whole local stack: from `failed` or an operation that never finished
 * there is always a next step. A first deploy whose job FAILS: re-applying runs again (never
 * "nothing changed"), a fixed spec deploys. An upgrade terminated in WaitingForStable (as
 * `temporal workflow terminate` does): the next apply of the same spec finishes it and says so.
 * A delete terminated after its final savepoint (the job stopped, the record still `running`): the
 * manifest applied again deploys from THAT savepoint, and the counter goes on from it.
 * The other branches (undo, --from-scratch, rollback/suspend from failed, a late cancel):
 * test/integration/workflows/state-first.test.ts, after-unfinished-operation.test.ts.
 */
import { markOutput } from '../../scripts/lib/counter-app';
import { operationWorkflowId } from '../../src/contract/ids';
import {
  continuity,
  countsByKey,
  E2eEnv,
  eventually,
  expectRestoredFrom,
  flinkOf,
  newCountsOfEveryKey,
  readRecord,
  removeApp,
} from '../support/e2e';
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
  expect(record.lastStableSpec?.job.parallelism).toBe(3);
  await removeApp(env.namespace, app);
});

test('a delete terminated after its final savepoint: the manifest applied again deploys from it', async () => {
  const app = 'undeleted';
  const out = env.outputDir(app, 'counts');
  const manifest = env.manifest(app, { output: out });
  expect((await env.cli(['apply', '-f', manifest, ...wait])).code).toBe(0);
  const before = await readRecord(env.namespace, app);
  await newCountsOfEveryKey(out);

  expect((await env.cli(['delete', app, '-n', env.namespace, '--no-wait'])).code).toBe(0);
  const handle = client.workflow.getHandle(operationWorkflowId({ namespace: env.namespace, name: app }));
  // Terminated once the job is stopped with its final savepoint (recorded before RemovingDeployments is entered).
  await untilServerPhase(handle, 'RemovingDeployments', 180_000);
  await handle.terminate('terminated by an operator');
  const left = await readRecord(env.namespace, app);
  expect(left).toMatchObject({ status: 'running', jobId: before.jobId });
  const final = left.savepoints.find((s) => s.kind === 'final' && s.jobId === before.jobId)?.location;
  expect(final).toBeDefined();
  const mark = markOutput(out);
  const old = countsByKey(out);

  const again = await env.cli(['apply', '-f', manifest, ...wait, '-o', 'json']);

  expect({ code: again.code, stderr: again.stderr.slice(-2000) }).toMatchObject({ code: 0 });
  const report = JSON.parse(again.stdout) as {
    operation: string;
    outcome: string;
    restoredFrom?: string;
    message: string;
  };
  expect(report).toMatchObject({ operation: 'deploy', outcome: 'succeeded', restoredFrom: final });
  expect(report.message).toContain('the last operation never finished (its delete ended abandoned in phase');
  const record = await readRecord(env.namespace, app);
  expect(record).toMatchObject({ status: 'running', operation: null, lastStableJobId: record.jobId });
  expect(record.generation).toBe(before.generation + 1);
  await expectRestoredFrom(env.namespace, app, record.jobId!, final);
  // Stopped with its savepoint, so restored exactly: every key's first new count is its last count + 1.
  const keys = continuity(old, await newCountsOfEveryKey(out, { since: mark }));
  expect(keys).toEqual(keys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));
  await removeApp(env.namespace, app);
});
