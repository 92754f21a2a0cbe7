/**
 * The node agent runs a Flink application applied by hand as Deployments: the job reaches
 * RUNNING with the TaskManager registered, each pod binds to its own loopback IP, a killed
 * TaskManager is restarted and counted, and deleting the Deployments leaves no process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mountNamespacesAvailable } from '../../../src/local/node-agent/mount-namespace';
import { stack } from '../../support/stack';
import {
  createNamespace,
  deleteNamespace,
  eventually,
  flinkGet,
  isReady,
  kube,
  listPods,
  podEvents,
  podProcesses,
  podWhere,
} from './cluster';
import { createFlinkApp, selectorOf, STATE_MACHINE_CLASS } from './flink-app';

const app = 'state-machine';
const jobId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
let namespace = '';

beforeAll(async () => {
  namespace = await createNamespace('node-agent-app');
});
afterAll(async () => {
  await deleteNamespace(namespace);
});

test(
  'a JobManager and TaskManager Deployment run the job to RUNNING; a killed TaskManager restarts; deleting ' +
    'leaves no process',
  async () => {
    await createFlinkApp({ namespace, app, jobId, jobClass: STATE_MACHINE_CLASS });

    const jobManager = await podWhere({
      namespace,
      labelSelector: selectorOf(app, 'jobmanager'),
      what: 'a ready JobManager pod',
      ok: isReady,
    });
    const podIp = jobManager.status?.podIP ?? '';
    expect(podIp.startsWith(stack.podCidr.replace(/\.0\.0\/16$/, '.'))).toBe(true);
    expect(jobManager.spec?.nodeName).toBe('local-node');

    const job = await eventually('the job to be RUNNING', async () => {
      const found = await flinkGet<{ state: string; jid: string }>({ podIp, path: `/jobs/${jobId}` });
      return found.state === 'RUNNING' ? found : undefined;
    });
    expect(job.jid).toBe(jobId);

    const taskManager = await podWhere({
      namespace,
      labelSelector: selectorOf(app, 'taskmanager'),
      what: 'a running TaskManager pod',
      ok: (p) => p.status?.phase === 'Running',
    });
    expect(taskManager.status?.podIP).not.toBe(podIp);
    const registered = await eventually('the TaskManager to register', async () => {
      const { taskmanagers } = await flinkGet<{ taskmanagers: Array<{ id: string; path: string }> }>({
        podIp,
        path: '/taskmanagers',
      });
      return taskmanagers.length === 1 ? taskmanagers : undefined;
    });
    expect(registered[0]?.path).toContain(taskManager.status?.podIP ?? 'missing');

    // Checkpoints land in the hostPath volume, which maps under the agent's state dir. Flink names them by the
    // container's path, /flink-data (bound there in the container's mount namespace, as a kubelet mounts it),
    // or, on a node without mount namespaces (not root), by the node's folder.
    const latest = await eventually('a completed checkpoint', async () => {
      const stats = await flinkGet<{
        counts: { completed: number };
        latest: { completed?: { external_path: string } };
      }>({ podIp, path: `/jobs/${jobId}/checkpoints` });
      return stats.counts.completed > 0 ? stats.latest.completed : undefined;
    });
    const checkpoints = path.join(stack.dir, 'node', 'hostpath', 'flink-data', namespace, app, 'checkpoints', jobId);
    expect(fs.existsSync(checkpoints)).toBe(true);
    const seenBy = mountNamespacesAvailable() ? `file:/flink-data/checkpoints/${jobId}/` : `file:${checkpoints}/`;
    expect(latest?.external_path.startsWith(seenBy)).toBe(true);
    // That checkpoint, or a newer one that replaced it since (Flink keeps one; one completes every 2 s), is there.
    const named = Number(/chk-(\d+)\/?$/.exec(latest?.external_path ?? '')?.[1]);
    const kept = fs.readdirSync(checkpoints).flatMap((f) => /^chk-(\d+)$/.exec(f)?.[1] ?? []);
    expect(kept.map(Number).filter((n) => n >= named)).not.toEqual([]);

    // Kill the TaskManager's JVM: the container restarts in the same pod and the restart is counted.
    const tmUid = taskManager.metadata?.uid ?? '';
    const tmProcesses = podProcesses(tmUid);
    expect(tmProcesses.length).toBeGreaterThan(0);
    for (const pid of tmProcesses) process.kill(pid, 'SIGKILL');
    const restarted = await podWhere({
      namespace,
      labelSelector: selectorOf(app, 'taskmanager'),
      what: 'the TaskManager restarted',
      ok: (p) =>
        p.metadata?.uid === tmUid &&
        p.status?.containerStatuses?.[0]?.restartCount === 1 &&
        p.status.containerStatuses[0].state?.running !== undefined,
    });
    expect(restarted.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(137);
    expect((await podEvents(namespace, restarted.metadata?.name ?? '')).map((e) => e.reason)).toEqual(
      expect.arrayContaining(['Scheduled', 'Started']),
    );
    await eventually('the job RUNNING again with the restarted TaskManager', async () => {
      const found = await flinkGet<{ state: string }>({ podIp, path: `/jobs/${jobId}` });
      const { taskmanagers } = await flinkGet<{ taskmanagers: unknown[] }>({ podIp, path: '/taskmanagers' });
      return found.state === 'RUNNING' && taskmanagers.length >= 1 ? true : undefined;
    });

    // Deleting the Deployments stops every process of their pods and finalizes the pods.
    const uids = (await listPods(namespace, 'app.kubernetes.io/name=' + app)).map((p) => p.metadata?.uid ?? '');
    expect(uids).toHaveLength(2);
    await kube.apps.deleteNamespacedDeployment({
      name: `${app}-jobmanager`,
      namespace,
      propagationPolicy: 'Foreground',
    });
    await kube.apps.deleteNamespacedDeployment({
      name: `${app}-taskmanager`,
      namespace,
      propagationPolicy: 'Foreground',
    });
    await eventually(
      'the pods and their processes to be gone',
      async () => {
        const left = await listPods(namespace, 'app.kubernetes.io/name=' + app);
        return left.length === 0 && uids.every((uid) => podProcesses(uid).length === 0) ? true : undefined;
      },
      60_000,
    );
  },
);
