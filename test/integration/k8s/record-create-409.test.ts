/**
 * Issue 12: an application's first operation creates its record; a 409 to that create of a reason other than
 * AlreadyExists (a webhook's, a proxy's) failed the deploy (matrix cell deploy-session-cluster/Locking/kube-409).
 * Here on the real kube-apiserver, through the matrix's fault proxy answering the record's first creates with 409
 * Conflict: the lock is taken all the same (read again, created), and the record is in the API server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKubeClients, createKubeFacade, loadKubeConfig, recordName, RecordConflictError } from '../../../src/k8s';
import { FaultProxy, type ProxiedRequest } from '../../faults/matrix/fault-proxy';
import { stackKubeUpstream, writeProxyKubeconfig } from '../../faults/matrix/stack-upstream';
import { adminClients, testNamespace } from './support';

const clients = adminClients();
const proxy = new FaultProxy(stackKubeUpstream());
const dir = mkdtempSync(path.join(tmpdir(), 'fd-record-409-'));
let viaProxy: ReturnType<typeof createKubeFacade>;
let ns: Awaited<ReturnType<typeof testNamespace>>;

/** A create of the application's record (what the first operation's lock writes). */
const recordCreate = (namespace: string) => (req: ProxiedRequest) =>
  req.method === 'POST' && req.path.startsWith(`/api/v1/namespaces/${namespace}/configmaps`);

beforeAll(async () => {
  const port = await proxy.listen();
  const kubeconfig = writeProxyKubeconfig(dir, port);
  viaProxy = createKubeFacade(createKubeClients(loadKubeConfig({ path: kubeconfig })));
});
afterAll(async () => {
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  ns = await testNamespace(clients, 'fd-record-409');
});
afterEach(async () => {
  proxy.clearRules();
  proxy.applied.clear();
  await ns.cleanup();
});

test("the first lock goes through two 409 Conflicts on the record's create: created, and held", async () => {
  proxy.addRule({ target: 'kube', match: recordCreate(ns.name), fault: { kind: 'status', status: 409 }, times: 2 });
  const lock = await viaProxy.records.acquireLock({
    namespace: ns.name,
    app: 'orders',
    workflowId: `flink-deploy/${ns.name}/orders`,
    runId: 'run-a',
    operation: 'deploy',
  });

  expect(proxy.applied.get('kube 409')).toBe(2);
  expect(lock.acquisition).toBe('acquired');
  // The truth, read direct from the API server: the record exists, holding this run's lock.
  const cm = await clients.core.readNamespacedConfigMap({ name: recordName('orders'), namespace: ns.name });
  expect(cm.metadata?.uid).toBe(lock.uid);
  expect(JSON.parse(cm.data?.['record.json'] ?? '{}').operation).toMatchObject({
    workflowId: `flink-deploy/${ns.name}/orders`,
    runId: 'run-a',
  });
});

test('a 409 on every create is a RecordConflictError (the activity retries it); nothing is written', async () => {
  proxy.addRule({ target: 'kube', match: recordCreate(ns.name), fault: { kind: 'status', status: 409 } });
  const err = await viaProxy.records
    .acquireLock({
      namespace: ns.name,
      app: 'orders',
      workflowId: `flink-deploy/${ns.name}/orders`,
      runId: 'run-a',
      operation: 'deploy',
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );

  expect(err).toBeInstanceOf(RecordConflictError);
  expect(proxy.applied.get('kube 409')).toBeGreaterThanOrEqual(2);
  await expect(
    clients.core.readNamespacedConfigMap({ name: recordName('orders'), namespace: ns.name }),
  ).rejects.toMatchObject({ code: 404 });
});
