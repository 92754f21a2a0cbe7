/**
 * The fleet rollout workflow on the time-skipping test server over in-memory applications (one
 * record, lock and set of jobs each): canaries first, the concurrency cap (measured as records
 * locked at once), unchanged ones skipped, the first failure halting the rest, approve/abort
 * accepted and refused, busy applications waited for or skipped, --rollback-on-failure, and a
 * worker replaced mid-rollout changing nothing.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { loadAppSpec, parseAppSpec, type AppSpec } from '../../../src/spec';
import { type FleetApp, type FleetInput, type FleetProgress } from '../../../src/contract/fleet';
import { abortUpdate, approveUpdate, fleetProgressQuery } from '../../../src/contract/fleet-messages';
import { operationWorkflowId } from '../../../src/contract/ids';
import { apply, fleet } from '../../../src/workflows';
import { eventually } from '../../support/eventually';
import { InMemoryFleet } from '../../support/in-memory-fleet';
import { workflowRunner } from '../../support/workflow-env';
import { counterManifest } from '../../support/counter-spec';

const manifest = counterManifest;
/** The counter application named `name`, running `image`. */
function specOf(name: string, image = 'flink:2.3'): AppSpec {
  const spec = loadAppSpec(manifest.replace('name: counter', `name: ${name}`));
  spec.image = image;
  return spec;
}
const key = (name: string) => `default/${name}`;

const kit = workflowRunner('fleet');

let seq = 0;
function input(apps: FleetApp[], extra: Partial<FleetInput> = {}): FleetInput {
  return {
    rolloutId: `r${++seq}`,
    apps,
    canaries: [],
    approveAfterCanary: false,
    approvalTimeoutSeconds: 3600,
    concurrency: 2,
    rollbackOnFailure: false,
    ifBusy: 'skip',
    busyTimeoutSeconds: 600,
    ...extra,
  };
}
/** A fresh deploy of each name (the plan: nothing recorded yet). */
const fresh = (names: string[], image = 'flink:2.3'): FleetApp[] =>
  names.map((n) => ({ spec: specOf(n, image), operation: 'deploy', unchanged: false }));
/** An upgrade of each name from `from` to `to`. */
const upgrade = (names: string[], from: string, to: string): FleetApp[] =>
  names.map((n) => ({ spec: specOf(n, to), operation: 'upgrade', unchanged: false, previousSpec: specOf(n, from) }));

function runFleet(apps: InMemoryFleet, fleetInput: FleetInput): Promise<FleetProgress> {
  return kit.execute(apps.activities(), fleet, fleetInput, `flink-deploy-fleet/${fleetInput.rolloutId}`);
}
const stateOf = (p: FleetProgress) => Object.fromEntries(p.apps.map((a) => [a.app.name, a.state]));
const imageOf = (apps: InMemoryFleet, name: string) =>
  apps
    .cluster(key(name))
    .runningJobs()
    .map((j) => j.image);

/** Four applications deployed at flink:2.3 by a first rollout. */
async function deployedFleet(names = ['a', 'b', 'c', 'd']): Promise<InMemoryFleet> {
  const apps = new InMemoryFleet();
  const result = await runFleet(apps, input(fresh(names), { concurrency: 4 }));
  expect(result.outcome).toBe('succeeded');
  return apps;
}

test('canaries first, never more than the concurrency at once, unchanged applications not started', async () => {
  const apps = new InMemoryFleet();
  const names = ['a', 'b', 'c', 'd', 'e', 'f'];
  for (const n of names) apps.cluster(key(n)).script = { slowApplyImages: ['flink:2.3'], slowApplyMs: 300 };
  const plan = fresh(names);
  plan[5] = { ...plan[5]!, unchanged: true, operation: 'apply' };

  const result = await runFleet(apps, input(plan, { canaries: [key('d')], concurrency: 2 }));

  expect(result.outcome).toBe('succeeded');
  expect(apps.lockOrder[0]).toBe(key('d'));
  expect(apps.lockOrder.slice(1).sort()).toEqual([key('a'), key('b'), key('c'), key('e')]);
  expect(apps.maxLocked).toBe(2);
  expect(result.maxRunning).toBe(2);
  expect(stateOf(result)).toEqual({
    a: 'succeeded',
    b: 'succeeded',
    c: 'succeeded',
    d: 'succeeded',
    e: 'succeeded',
    f: 'unchanged',
  });
  expect(apps.cluster(key('f')).calls).toEqual([]);
  expect(result.counts).toEqual({ succeeded: 5, unchanged: 1 });
  expect(result.apps.find((a) => a.app.name === 'd')).toMatchObject({
    canary: true,
    workflowId: operationWorkflowId({ namespace: 'default', name: 'd' }),
  });
});

test('the canary rolled back: nothing else starts, the others keep their old version', async () => {
  const apps = await deployedFleet();
  apps.cluster(key('c')).script.failingImages = ['flink:2.4'];

  const result = await runFleet(
    apps,
    input(upgrade(['a', 'b', 'c', 'd'], 'flink:2.3', 'flink:2.4'), { canaries: [key('c')] }),
  );

  expect(result.outcome).toBe('rolled-back');
  expect(stateOf(result)).toEqual({ a: 'untouched', b: 'untouched', c: 'rolled-back', d: 'untouched' });
  expect(result.haltReason).toMatch(/^default\/c rolled back: upgrade failed, rolled back/);
  expect(result.message).toMatch(/^0 moved, 1 rolled back, 0 failed, 3 left untouched; halted/);
  for (const n of ['a', 'b', 'c', 'd']) expect(imageOf(apps, n)).toEqual(['flink:2.3']);
  expect(apps.lockOrder.slice(4)).toEqual([key('c')]);
});

test('a failure in a wave halts it: running operations finish, nothing new starts', async () => {
  const apps = new InMemoryFleet();
  apps.cluster(key('a')).script = { slowApplyImages: ['flink:2.3'], slowApplyMs: 1500 };
  apps.cluster(key('b')).script = { refusedImages: ['flink:2.3'] };

  const result = await runFleet(apps, input(fresh(['a', 'b', 'c', 'd', 'e']), { concurrency: 2 }));

  expect(result.outcome).toBe('failed');
  expect(stateOf(result)).toEqual({ a: 'succeeded', b: 'failed', c: 'untouched', d: 'untouched', e: 'untouched' });
  expect(imageOf(apps, 'a')).toEqual(['flink:2.3']);
  for (const n of ['c', 'd', 'e']) expect(apps.cluster(key(n)).calls).toEqual([]);
});

test('--rollback-on-failure sends the applications already upgraded back to their previous spec', async () => {
  const apps = await deployedFleet(['a', 'b', 'c']);
  apps.cluster(key('b')).script.failingImages = ['flink:2.4'];

  const result = await runFleet(
    apps,
    input(upgrade(['a', 'b', 'c'], 'flink:2.3', 'flink:2.4'), { concurrency: 1, rollbackOnFailure: true }),
  );

  expect(result.outcome).toBe('rolled-back');
  expect(stateOf(result)).toEqual({ a: 'reverted', b: 'rolled-back', c: 'untouched' });
  for (const n of ['a', 'b', 'c']) expect(imageOf(apps, n)).toEqual(['flink:2.3']);
  expect(apps.cluster(key('a')).record?.lastStableSpec?.image).toBe('flink:2.3');
  expect(result.message).toMatch(/^0 moved, 2 rolled back, 0 failed, 1 left untouched/);
});

/** Starts a rollout while a worker serves, runs `fn` with its handle, then waits for its end. */
function withRollout(
  apps: InMemoryFleet,
  fleetInput: FleetInput,
  fn: (handle: WorkflowHandle<typeof fleet>) => Promise<void>,
): Promise<FleetProgress> {
  return kit.withWorker(apps.activities(), async (taskQueue) => {
    const handle = await kit.env.client.workflow.start(fleet, {
      taskQueue,
      workflowId: `flink-deploy-fleet/${fleetInput.rolloutId}`,
      args: [fleetInput],
    });
    await fn(handle);
    return handle.result();
  });
}
/** Waits until `holds()` (polled). */
const until = (what: string, holds: () => boolean | Promise<boolean>) =>
  eventually(what, async () => ((await holds()) ? true : undefined));
const atStage = (h: WorkflowHandle<typeof fleet>, stage: string) =>
  until(`stage ${stage}`, () => h.query(fleetProgressQuery).then((p) => p.stage === stage));
async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((err as WorkflowUpdateFailedError).cause as Error).message;
}

test('approve: refused while the canaries run, accepted at the gate, refused once given', async () => {
  const apps = new InMemoryFleet();
  apps.cluster(key('a')).script = { slowApplyImages: ['flink:2.3'], slowApplyMs: 1500 };
  let beforeGate = '';
  let accepted = '';
  let again = '';
  const result = await withRollout(
    apps,
    input(fresh(['a', 'b', 'c']), { canaries: [key('a')], approveAfterCanary: true }),
    async (handle) => {
      await atStage(handle, 'canaries');
      beforeGate = await refusal(handle.executeUpdate(approveUpdate, { args: [{ by: 'test' }] }));
      await atStage(handle, 'awaiting-approval');
      expect(apps.lockOrder).toEqual([key('a')]);
      accepted = await handle.executeUpdate(approveUpdate, { args: [{ by: 'test' }] });
      again = await refusal(handle.executeUpdate(approveUpdate, { args: [{ by: 'test' }] }));
    },
  );
  expect(beforeGate).toBe('not waiting for approval: the rollout is at canaries');
  expect(accepted).toBe('approved by test: the waves start');
  expect(again).toBe('not waiting for approval: the rollout is at waves');
  expect(result.outcome).toBe('succeeded');
  expect(stateOf(result)).toEqual({ a: 'succeeded', b: 'succeeded', c: 'succeeded' });
});

test('abort while the canary runs: accepted once, the canary finishes, the others untouched', async () => {
  const apps = new InMemoryFleet();
  apps.cluster(key('a')).script = { slowApplyImages: ['flink:2.3'], slowApplyMs: 2000 };
  let accepted = '';
  let again = '';
  const result = await withRollout(
    apps,
    input(fresh(['a', 'b', 'c']), { canaries: [key('a')], approveAfterCanary: true }),
    async (handle) => {
      await until('the canary locked', () => apps.lockOrder.includes(key('a')));
      accepted = await handle.executeUpdate(abortUpdate, { args: [{ by: 'test', reason: 'canary metrics' }] });
      again = await refusal(handle.executeUpdate(abortUpdate, { args: [{ by: 'test' }] }));
    },
  );
  expect(accepted).toBe('aborted: nothing new starts; 1 running operation(s) finish');
  expect(again).toBe('already halted: aborted by test: canary metrics');
  expect(result.outcome).toBe('aborted');
  expect(result.haltReason).toBe('aborted by test: canary metrics');
  expect(stateOf(result)).toEqual({ a: 'succeeded', b: 'untouched', c: 'untouched' });
  expect(imageOf(apps, 'a')).toEqual(['flink:2.3']);
  expect(apps.lockOrder).toEqual([key('a')]);
});

test('busy: --if-busy wait starts it once the other operation ends; skip reports it and goes on', async () => {
  const waited = new InMemoryFleet();
  await waited.holdLock({ namespace: 'default', name: 'b' }, 2);
  const afterWait = await runFleet(waited, input(fresh(['a', 'b']), { ifBusy: 'wait', busyTimeoutSeconds: 600 }));
  expect(afterWait.outcome).toBe('succeeded');
  expect(stateOf(afterWait)).toEqual({ a: 'succeeded', b: 'succeeded' });
  expect(imageOf(waited, 'b')).toEqual(['flink:2.3']);

  const timedOut = new InMemoryFleet();
  await timedOut.holdLock({ namespace: 'default', name: 'b' }, Infinity);
  const afterTimeout = await runFleet(timedOut, input(fresh(['a', 'b']), { ifBusy: 'wait', busyTimeoutSeconds: 60 }));
  expect(afterTimeout.outcome).toBe('partial');
  expect(stateOf(afterTimeout)).toEqual({ a: 'succeeded', b: 'busy' });
  expect(afterTimeout.apps[1]!.message).toMatch(/^left untouched: .*other-operation\/default\/b/);

  // skip: an operation already open on the application's workflow id (a hanging apply).
  const skipped = new InMemoryFleet();
  skipped.cluster(key('b')).script.hangingImages = ['flink:2.3'];
  const result = await kit.withWorker(skipped.activities(), async (taskQueue) => {
    const other = await kit.env.client.workflow.start(apply, {
      taskQueue,
      workflowId: operationWorkflowId({ namespace: 'default', name: 'b' }),
      args: [{ spec: specOf('b') }],
    });
    await until('b locked', () => skipped.lockOrder.includes(key('b')));
    const fleetInput = input(fresh(['a', 'b', 'c']), { ifBusy: 'skip' });
    const done = await kit.env.client.workflow.execute(fleet, {
      taskQueue,
      workflowId: `flink-deploy-fleet/${fleetInput.rolloutId}`,
      args: [fleetInput],
    });
    await other.terminate('test over');
    return done;
  });
  expect(result.outcome).toBe('partial');
  expect(stateOf(result)).toEqual({ a: 'succeeded', b: 'busy', c: 'succeeded' });
});

test('the worker replaced mid-rollout: the same outcome, each application deployed once', async () => {
  const apps = new InMemoryFleet();
  for (const n of ['a', 'b', 'c', 'd'])
    apps.cluster(key(n)).script = { slowApplyImages: ['flink:2.3'], slowApplyMs: 800 };
  const fleetInput = input(fresh(['a', 'b', 'c', 'd']), { concurrency: 2 });
  const workflowId = `flink-deploy-fleet/${fleetInput.rolloutId}`;
  const taskQueue = `fleet-restart-${fleetInput.rolloutId}`;
  // The first worker serves until two operations run, then stops (its in-flight tasks time out and move on).
  await kit.withWorker(
    apps.activities(),
    async () => {
      await kit.env.client.workflow.start(fleet, { taskQueue, workflowId, args: [fleetInput] });
      await until('two locked', () => apps.lockOrder.length >= 2);
    },
    { taskQueue, cache: false },
  );
  const result = await kit.withWorker(
    apps.activities(),
    () => kit.env.client.workflow.getHandle<typeof fleet>(workflowId).result(),
    { taskQueue },
  );
  expect(result.outcome).toBe('succeeded');
  expect(stateOf(result)).toEqual({ a: 'succeeded', b: 'succeeded', c: 'succeeded', d: 'succeeded' });
  for (const n of ['a', 'b', 'c', 'd']) {
    expect(imageOf(apps, n)).toEqual(['flink:2.3']);
    expect(apps.cluster(key(n)).record).toMatchObject({ status: 'running', generation: 1, operation: null });
  }
  expect(result.maxRunning).toBeLessThanOrEqual(2);
}, 120_000);

describe('a session cluster and its jobs in one rollout (patch fleet-session-clusters-first)', () => {
  const sessionSpec = (yaml: string) => {
    const parsed = parseAppSpec(yaml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return parsed.spec;
  };
  const cluster = (image = 'flink:2.3'): FleetApp => ({
    spec: sessionSpec(`apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: shared}
spec:
  image: ${image}
  flinkVersion: v2_3
  jobManager: {resource: {memory: 1600m, cpu: 1}}
  taskManager: {replicas: 2, resource: {memory: 1600m, cpu: 1}}
`),
    operation: 'deploy',
    unchanged: false,
  });
  const job = (name: string): FleetApp => ({
    spec: sessionSpec(`apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: ${name}}
spec:
  deploymentName: shared
  job: {jarURI: "https://repo.example.com/${name}.jar", parallelism: 1, upgradeMode: stateless}
`),
    operation: 'deploy',
    unchanged: false,
  });
  const first = (apps: InMemoryFleet, name: string) => apps.timeline.findIndex((e) => e.startsWith(`${key(name)} `));
  const last = (apps: InMemoryFleet, name: string) => apps.timeline.findLastIndex((e) => e.startsWith(`${key(name)} `));

  test("the cluster's change ends before its jobs' start, whatever the input order and the concurrency", async () => {
    const apps = new InMemoryFleet();
    apps.cluster(key('shared')).script = { slowApplyImages: ['flink:2.3'], slowApplyMs: 300 };
    // A canary job: its cluster becomes a canary too (else the job would wait on a cluster not started).
    const result = await runFleet(
      apps,
      input([job('orders'), job('payments'), cluster()], { concurrency: 3, canaries: [key('orders')] }),
    );
    expect(result.outcome).toBe('succeeded');
    expect(stateOf(result)).toEqual({ orders: 'succeeded', payments: 'succeeded', shared: 'succeeded' });
    expect(last(apps, 'shared')).toBeGreaterThanOrEqual(0);
    expect(last(apps, 'shared')).toBeLessThan(first(apps, 'orders'));
    expect(last(apps, 'shared')).toBeLessThan(first(apps, 'payments'));
  });

  test('a cluster whose change fails: its jobs are not started, and say why', async () => {
    const apps = new InMemoryFleet();
    apps.cluster(key('shared')).script = { applyRefusedImages: ['flink:bad'] };
    const result = await runFleet(apps, input([job('orders'), cluster('flink:bad')], { concurrency: 2 }));
    expect(stateOf(result)).toMatchObject({ shared: 'failed', orders: 'untouched' });
    expect(result.apps.find((a) => a.app.name === 'orders')?.message).toMatch(/not started/);
    expect(first(apps, 'orders')).toBe(-1);
  });
});
