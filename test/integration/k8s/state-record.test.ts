import {
  createKubeFacade,
  emptyRecord,
  LockHeldError,
  RecordConflictError,
  RecordErrorCode,
  recordName,
  type DeployStateRecord,
  type KubeFacade,
} from '../../../src/k8s';
import { withPhase, type SetPhaseInput } from '../../../src/k8s/state-record/lock';
import { adminClients, testNamespace } from './support';

const clients = adminClients();
const facade: KubeFacade = createKubeFacade(clients);
const records = facade.records;
let ns: Awaited<ReturnType<typeof testNamespace>>;

beforeEach(async () => {
  ns = await testNamespace(clients, 'fd-record');
});
afterEach(async () => {
  await ns.cleanup();
});

test('a record is created, read back as written, and a second create is a conflict', async () => {
  expect(await records.readRecord(ns.name, 'orders')).toBeUndefined();
  const record: DeployStateRecord<{ image: string }> = {
    ...emptyRecord(ns.name, 'orders'),
    lastAppliedSpec: { image: 'flink:2.3' },
  };
  const created = await records.createRecord(ns.name, record);
  expect(created.uid).not.toBe('');

  const read = await records.readRecord<{ image: string }>(ns.name, 'orders');
  expect(read).toEqual(created);
  expect(read?.record.lastAppliedSpec).toEqual({ image: 'flink:2.3' });

  // Self-describing in the cluster: kubectl get cm orders-deploy-state shows the JSON.
  const cm = await clients.core.readNamespacedConfigMap({ name: recordName('orders'), namespace: ns.name });
  expect(JSON.parse(cm.data?.['record.json'] ?? '')).toEqual(record);

  await expect(records.createRecord(ns.name, record)).rejects.toBeInstanceOf(RecordConflictError);
});

test(
  'compare-and-swap: of two writers holding the same ' + 'resourceVersion, one wins and one gets RECORD_CONFLICT',
  async () => {
    const created = await records.createRecord(ns.name, emptyRecord(ns.name, 'orders'));
    const writer = (generation: number) =>
      records.writeRecord({
        namespace: ns.name,
        app: 'orders',
        record: { ...created.record, generation, jobId: `job-${generation}` },
        expectedResourceVersion: created.resourceVersion,
      });
    const results = await Promise.allSettled([writer(1), writer(2)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(RecordConflictError);
    expect(lost[0]?.reason).toMatchObject({ code: RecordErrorCode.Conflict, kind: 'domain' });

    const stored = await records.readRecord(ns.name, 'orders');
    const winner = won[0]?.status === 'fulfilled' ? won[0].value : undefined;
    expect(stored?.record.generation).toBe(winner?.record.generation);
    expect(stored?.resourceVersion).toBe(winner?.resourceVersion);
  },
);

test('mutateRecord re-reads and retries: concurrent increments are all kept', async () => {
  await records.createRecord(ns.name, emptyRecord(ns.name, 'orders'));
  const increment = () =>
    records.mutateRecord({
      namespace: ns.name,
      app: 'orders',
      maxAttempts: 20,
      mutate: (r) => ({ ...r, generation: r.generation + 1 }),
    });
  await Promise.all([increment(), increment(), increment(), increment()]);
  expect((await records.readRecord(ns.name, 'orders'))?.record.generation).toBe(4);

  // A mutation that changes nothing writes nothing.
  const before = await records.readRecord(ns.name, 'orders');
  const same = await records.mutateRecord({ namespace: ns.name, app: 'orders', mutate: (r) => r });
  expect(same.written).toBe(false);
  expect(same.resourceVersion).toBe(before?.resourceVersion);
});

test('a hand-edited record that is not valid JSON is RECORD_CORRUPT', async () => {
  await clients.core.createNamespacedConfigMap({
    namespace: ns.name,
    body: { metadata: { name: recordName('broken') }, data: { 'record.json': '{"version": 1, "app": "broken"' } },
  });
  await expect(records.readRecord(ns.name, 'broken')).rejects.toMatchObject({ code: RecordErrorCode.Corrupt });
});

test(
  'the lock: acquire creates the record, the same workflow re-acquires, another is refused naming the ' +
    'holder, release is idempotent',
  async () => {
    const first = await records.acquireLock({
      namespace: ns.name,
      app: 'orders',
      workflowId: 'flink-deploy/ns/orders',
      runId: 'run-1',
      operation: 'upgrade',
      intent: { targetGeneration: 2 },
    });
    expect(first.acquisition).toBe('acquired');
    expect(first.record.operation).toMatchObject({
      workflowId: 'flink-deploy/ns/orders',
      runId: 'run-1',
      type: 'upgrade',
      phase: 'started',
      intent: { targetGeneration: 2 },
    });

    const setPhase = (input: Omit<SetPhaseInput, 'namespace' | 'app'>) =>
      records.mutateRecord({
        namespace: ns.name,
        app: 'orders',
        mutate: (r) => withPhase(r, { ...input, namespace: ns.name, app: 'orders' }),
      });
    await setPhase({
      workflowId: 'flink-deploy/ns/orders',
      phase: 'savepointing',
      intent: { triggerId: 'ab'.repeat(16) },
    });

    // The worker crashed; the workflow's next attempt (same id, new run) takes it again, phase kept.
    const again = await records.acquireLock({
      namespace: ns.name,
      app: 'orders',
      workflowId: 'flink-deploy/ns/orders',
      runId: 'run-2',
      operation: 'upgrade',
    });
    expect(again.acquisition).toBe('reacquired');
    expect(again.record.operation).toMatchObject({
      runId: 'run-2',
      phase: 'savepointing',
      startedAt: first.record.operation?.startedAt,
    });

    const refused = records.acquireLock({
      namespace: ns.name,
      app: 'orders',
      workflowId: 'flink-deploy-savepoints/ns/orders',
      runId: 'run-x',
      operation: 'savepoint',
    });
    await expect(refused).rejects.toBeInstanceOf(LockHeldError);
    await expect(refused).rejects.toMatchObject({
      code: RecordErrorCode.LockHeld,
      holder: { workflowId: 'flink-deploy/ns/orders', phase: 'savepointing' },
    });
    await expect(
      records.releaseLock({ namespace: ns.name, app: 'orders', workflowId: 'flink-deploy-savepoints/ns/orders' }),
    ).rejects.toBeInstanceOf(LockHeldError);
    await expect(setPhase({ workflowId: 'someone-else', phase: 'x' })).rejects.toBeInstanceOf(LockHeldError);

    const released = await records.releaseLock({
      namespace: ns.name,
      app: 'orders',
      workflowId: 'flink-deploy/ns/orders',
      outcome: 'succeeded',
    });
    expect(released?.record.operation).toBeNull();
    expect(released?.record.history).toEqual([
      expect.objectContaining({
        workflowId: 'flink-deploy/ns/orders',
        outcome: 'succeeded',
        lastPhase: 'savepointing',
      }),
    ]);
    const releasedAgain = await records.releaseLock({
      namespace: ns.name,
      app: 'orders',
      workflowId: 'flink-deploy/ns/orders',
    });
    expect(releasedAgain?.resourceVersion).toBe(released?.resourceVersion);
    await expect(setPhase({ workflowId: 'flink-deploy/ns/orders', phase: 'x' })).rejects.toMatchObject({
      code: RecordErrorCode.LockNotHeld,
    });

    // Now the other operation gets it.
    const other = await records.acquireLock({
      namespace: ns.name,
      app: 'orders',
      workflowId: 'flink-deploy-savepoints/ns/orders',
      runId: 'run-x',
      operation: 'savepoint',
    });
    expect(other.acquisition).toBe('acquired');
    // Releasing the lock of an app with no record is fine too.
    expect(await records.releaseLock({ namespace: ns.name, app: 'nothing-here', workflowId: 'w' })).toBeUndefined();
  },
);

test('two workflows racing for a free lock: exactly one gets it', async () => {
  const take = (workflowId: string) =>
    records.acquireLock({ namespace: ns.name, app: 'orders', workflowId, runId: 'r', operation: 'deploy' });
  const results = await Promise.allSettled([take('wf-a'), take('wf-b'), take('wf-c')]);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(refusals.map((r) => (r.reason as { code?: string }).code)).toEqual([
    RecordErrorCode.LockHeld,
    RecordErrorCode.LockHeld,
  ]);
});
