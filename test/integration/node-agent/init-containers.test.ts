/**
 * Init containers, as a kubelet runs them: one at a time, each to completion, before the pod's containers start;
 * a failed one restarted with back-off (the pod Pending meanwhile), or failing the pod under `restartPolicy: Never`.
 * They run the busybox image (Debian's busybox-static, scripts/stack/fetch-busybox.sh): `wget` fetches a file from a
 * loopback server into an emptyDir the main container reads, as the Apache operator's examples fetch their jars.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as k8s from '@kubernetes/client-node';
import { createNamespace, deleteNamespace, eventually, kube, podEvents } from './cluster';

let namespace = '';
let server: Server;
let url = '';
/** The file the server hands out, and the paths it was asked for. */
const artifact = randomBytes(200_000);
const asked: string[] = [];

beforeAll(async () => {
  namespace = await createNamespace('node-agent-init');
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    if (req.url === '/artifact.jar') res.end(artifact);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/artifact.jar`;
});
afterAll(async () => {
  await deleteNamespace(namespace);
  await new Promise((resolve) => server.close(resolve));
});

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

async function createPod(name: string, spec: k8s.V1PodSpec): Promise<void> {
  await kube.core.createNamespacedPod({
    namespace,
    body: { metadata: { name }, spec: { terminationGracePeriodSeconds: 2, ...spec } },
  });
}

function podWhen(name: string, what: string, ok: (pod: k8s.V1Pod) => boolean, timeoutMs = 90_000) {
  return eventually(
    what,
    async () => {
      const pod = await kube.core.readNamespacedPodStatus({ name, namespace });
      return ok(pod) ? pod : undefined;
    },
    timeoutMs,
  );
}

const log = (name: string, container: string) => kube.core.readNamespacedPodLog({ name, namespace, container });
const condition = (pod: k8s.V1Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type)?.status;

test('init containers run in order to completion; then the container starts and reads what they fetched', async () => {
  await createPod('fetching', {
    volumes: [{ name: 'artifacts', emptyDir: {} }],
    initContainers: [
      {
        name: 'fetch',
        image: 'busybox:1.35.0',
        command: ['wget', url, '-O', '/flink-artifact/myjob.jar'],
        volumeMounts: [{ name: 'artifacts', mountPath: '/flink-artifact' }],
      },
      {
        name: 'checksum',
        image: 'busybox:1.35.0',
        command: ['/bin/sh', '-c', 'sleep 3; sha256sum /flink-artifact/myjob.jar > /flink-artifact/sum'],
        volumeMounts: [{ name: 'artifacts', mountPath: '/flink-artifact' }],
      },
    ],
    containers: [
      {
        name: 'main',
        image: 'busybox:1.35.0',
        command: ['sh', '-c', 'cat /data/sum; ls -l /data/myjob.jar; exec sleep 600'],
        volumeMounts: [{ name: 'artifacts', mountPath: '/data' }],
      },
    ],
  });

  // While the second init container sleeps: Pending, not Initialized, the first one Completed, the main one waiting.
  const initializing = await podWhen(
    'fetching',
    'the second init container to run',
    (p) => p.status?.initContainerStatuses?.[1]?.state?.running !== undefined,
  );
  expect(initializing.status?.phase).toBe('Pending');
  expect(condition(initializing, 'Initialized')).toBe('False');
  expect(initializing.status?.initContainerStatuses?.[0]?.state?.terminated?.reason).toBe('Completed');
  expect(initializing.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');

  const running = await podWhen('fetching', 'the pod to run', (p) => condition(p, 'Ready') === 'True');
  expect(running.status?.phase).toBe('Running');
  expect(condition(running, 'Initialized')).toBe('True');
  const [fetch, checksum] = running.status?.initContainerStatuses ?? [];
  expect(fetch).toMatchObject({
    name: 'fetch',
    ready: true,
    restartCount: 0,
    imageID: 'debian://busybox-static@1.35.0',
    state: { terminated: { exitCode: 0, reason: 'Completed' } },
  });
  expect(checksum?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  // In order: the second started after the first finished; the main container after the second.
  const finished = (s: k8s.V1ContainerStatus | undefined) => new Date(s?.state?.terminated?.finishedAt ?? 0).getTime();
  const started = (s: k8s.V1ContainerStatus | undefined) =>
    new Date(s?.state?.terminated?.startedAt ?? s?.state?.running?.startedAt ?? 0).getTime();
  expect(started(checksum)).toBeGreaterThanOrEqual(finished(fetch));
  expect(started(running.status?.containerStatuses?.[0])).toBeGreaterThanOrEqual(finished(checksum));

  // busybox's wget fetched THAT file; the main container sees it, and its checksum, in the shared emptyDir.
  expect(asked).toEqual(['/artifact.jar']);
  const output = await eventually('the main container to print', async () => {
    const text = await log('fetching', 'main');
    return text.includes('myjob.jar') ? text : undefined;
  });
  expect(output).toMatch(new RegExp(`^${sha256(artifact)}  \\S*/myjob\\.jar$`, 'm'));
  expect(output).toMatch(new RegExp(`\\s${artifact.length}\\s.*myjob\\.jar`));
  expect(await log('fetching', 'fetch')).toMatch(/saved|100%/);
});

test('a failing init container is restarted with back-off, the pod Pending; its containers never start', async () => {
  await createPod('retrying', {
    initContainers: [{ name: 'fetch', image: 'busybox:1.35.0', command: ['wget', `${url}.missing`, '-O', '/tmp/x'] }],
    containers: [{ name: 'main', image: 'busybox:1.35.0', command: ['sleep', '600'] }],
  });
  const backingOff = await podWhen(
    'retrying',
    'the init container in CrashLoopBackOff after a restart',
    (p) =>
      p.status?.initContainerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' &&
      (p.status?.initContainerStatuses?.[0]?.restartCount ?? 0) >= 1,
  );
  expect(backingOff.status?.phase).toBe('Pending');
  expect(condition(backingOff, 'Initialized')).toBe('False');
  expect(backingOff.status?.initContainerStatuses?.[0]?.lastState?.terminated).toMatchObject({ exitCode: 1 });
  expect(backingOff.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');
  expect(asked.filter((p) => p === '/artifact.jar.missing').length).toBeGreaterThanOrEqual(2);
  // Events are written after the status: wait for the init container's.
  const events = await eventually('the init container to have a Started event', async () => {
    const all = (await podEvents(namespace, 'retrying')).map((e) => `${e.reason}: ${e.message}`);
    return all.some((e) => e.startsWith('Started: Started container fetch')) ? all : undefined;
  });
  expect(events.some((e) => e.startsWith('Started: Started container main'))).toBe(false);
});

test('under restartPolicy: Never a failed init container fails the pod; its containers never start', async () => {
  await createPod('failing', {
    restartPolicy: 'Never',
    initContainers: [{ name: 'check', image: 'busybox:1.35.0', command: ['sh', '-c', 'echo no artifact; exit 3'] }],
    containers: [{ name: 'main', image: 'busybox:1.35.0', command: ['sleep', '600'] }],
  });
  const failed = await podWhen('failing', 'the pod to fail', (p) => p.status?.phase === 'Failed');
  expect(failed.status?.initContainerStatuses?.[0]).toMatchObject({
    restartCount: 0,
    state: { terminated: { exitCode: 3, reason: 'Error' } },
  });
  expect(failed.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');
  expect(await log('failing', 'check')).toContain('no artifact');
});

test('a busybox version this node does not have waits with ErrImagePull, naming what is installed', async () => {
  await createPod('other-busybox', {
    initContainers: [{ name: 'fetch', image: 'busybox:1.36.1', command: ['true'] }],
    containers: [{ name: 'main', image: 'busybox:1.35.0', command: ['sleep', '600'] }],
  });
  const pulling = await podWhen('other-busybox', 'ErrImagePull', (p) =>
    ['ErrImagePull', 'ImagePullBackOff'].includes(p.status?.initContainerStatuses?.[0]?.state?.waiting?.reason ?? ''),
  );
  expect(pulling.status?.initContainerStatuses?.[0]?.state?.waiting?.message).toContain(
    'image busybox:1.36.1 is not available on this node (busybox installed: 1.35.0)',
  );
  expect(pulling.status?.phase).toBe('Pending');
});
