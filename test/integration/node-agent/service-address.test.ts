/**
 * Services keep their address across pod restarts, as kube-proxy gives them: each Service's
 * clusterIP is a loopback address of the Service range, proxied to a ready pod. The JobManager
 * of a running per-job cluster is deleted; its Deployment starts a new one with a new pod IP,
 * and the TaskManager — same pod, not restarted — registers with the new JobManager through
 * the Service. Flink REST is read through the `-rest` Service's address throughout.
 */
import type * as k8s from '@kubernetes/client-node';
import { stack } from '../../support/stack';
import { createNamespace, deleteNamespace, eventually, isReady, kube, podWhere } from './cluster';
import { createFlinkApp, selectorOf, STATE_MACHINE_CLASS } from './flink-app';

const app = 'vip';
const jobId = 'b1b2c3d4e5f60718293a4b5c6d7e8f91';
let namespace = '';

beforeAll(async () => {
  namespace = await createNamespace('node-agent-vip');
});
afterAll(async () => {
  await deleteNamespace(namespace);
});

const serviceIpPrefix = stack.serviceCidr.replace(/\.0\.0\/16$/, '.');

async function clusterIp(name: string): Promise<string> {
  const service = await kube.core.readNamespacedService({ name, namespace });
  return service.spec?.clusterIP ?? '';
}

/** GET Flink REST through the rest Service's address; undefined while it does not answer. */
async function rest<T>(address: string, path: string): Promise<T | undefined> {
  try {
    const response = await fetch(`http://${address}:8081${path}`, { signal: AbortSignal.timeout(3000) });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

interface TaskManagers {
  taskmanagers: Array<{ id: string; path: string }>;
}

test(
  'a deleted JobManager comes back behind the same Service ' + 'address and the TaskManager registers with it',
  async () => {
    await createFlinkApp({
      namespace,
      app,
      jobId,
      jobClass: STATE_MACHINE_CLASS,
      // Notice a lost JobManager in seconds rather than the default 50 s.
      extraConfig: ['heartbeat.interval: 1000', 'heartbeat.timeout: 8000'],
    });
    const rpcAddress = await clusterIp(app);
    const restAddress = await clusterIp(`${app}-rest`);
    expect(rpcAddress.startsWith(serviceIpPrefix)).toBe(true);
    expect(restAddress.startsWith(serviceIpPrefix)).toBe(true);
    expect(restAddress).not.toBe(rpcAddress);

    const first = await podWhere({
      namespace,
      labelSelector: selectorOf(app, 'jobmanager'),
      what: 'a ready JobManager',
      ok: isReady,
    });
    const taskManager = await podWhere({
      namespace,
      labelSelector: selectorOf(app, 'taskmanager'),
      what: 'a running TaskManager',
      ok: (p) => p.status?.phase === 'Running',
    });
    const tmIp = taskManager.status?.podIP ?? '';
    await eventually('the job RUNNING, read through the rest Service', async () => {
      const job = await rest<{ state: string }>(restAddress, `/jobs/${jobId}`);
      return job?.state === 'RUNNING' ? true : undefined;
    });
    // The JobManager answers under the Service's address (as under its DNS name in a cluster).
    const config = await rest<Array<{ key: string; value: string }>>(restAddress, '/jobmanager/config');
    expect(config?.find((e) => e.key === 'jobmanager.rpc.address')?.value).toBe(rpcAddress);
    const before = await eventually('the TaskManager registered, through the rpc Service', async () => {
      const found = await rest<TaskManagers>(restAddress, '/taskmanagers');
      return found?.taskmanagers.length ? found : undefined;
    });
    expect(before.taskmanagers.map((t) => t.path)).toEqual([expect.stringContaining(tmIp)]);

    await kube.core.deleteNamespacedPod({ name: first.metadata?.name ?? '', namespace });
    const second = await podWhere({
      namespace,
      labelSelector: selectorOf(app, 'jobmanager'),
      what: 'a new ready JobManager',
      ok: (p) => p.metadata?.uid !== first.metadata?.uid && isReady(p),
    });
    expect(second.status?.podIP).not.toBe(first.status?.podIP);
    expect(await clusterIp(app)).toBe(rpcAddress);

    // The new JobManager (a new process: a fresh TaskManager list) sees the same TaskManager pod.
    const registered = await eventually(
      'the TaskManager registered with the new JobManager and the job RUNNING',
      async () => {
        const tms = await rest<TaskManagers>(restAddress, '/taskmanagers');
        const job = await rest<{ state: string; 'start-time': number }>(restAddress, `/jobs/${jobId}`);
        if (!tms || job?.state !== 'RUNNING') return undefined;
        return tms.taskmanagers.length === 1 ? { tms, job } : undefined;
      },
      180_000,
    );
    expect(registered.tms.taskmanagers[0]?.path).toContain(tmIp);
    const jmStart = new Date(second.status?.startTime ?? 0).getTime();
    expect(registered.job['start-time']).toBeGreaterThanOrEqual(jmStart - 1000);
    const tmNow = (
      await kube.core.listNamespacedPod({ namespace, labelSelector: selectorOf(app, 'taskmanager') })
    ).items.map((p: k8s.V1Pod) => ({ uid: p.metadata?.uid, restarts: p.status?.containerStatuses?.[0]?.restartCount }));
    expect(tmNow).toEqual([{ uid: taskManager.metadata?.uid, restarts: 0 }]);
  },
);
