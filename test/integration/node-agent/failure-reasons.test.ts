/**
 * Failure paths show what a kubelet would show: an image of a Flink version this node does not
 * have waits with ErrImagePull/ImagePullBackOff; a container that keeps exiting non-zero is
 * restarted, counted, and waits with CrashLoopBackOff, its last exit code kept.
 */
import type * as k8s from '@kubernetes/client-node';
import { createNamespace, deleteNamespace, kube, podEvents, podWhere } from './cluster';

let namespace = '';

beforeAll(async () => {
  namespace = await createNamespace('node-agent-failures');
});
afterAll(async () => {
  await deleteNamespace(namespace);
});

function deployment(name: string, container: k8s.V1Container): k8s.V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { terminationGracePeriodSeconds: 2, containers: [container] },
      },
    },
  };
}

const waitingReason = (pod: k8s.V1Pod) => pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;

test('an image of a Flink version no registry has waits with ErrImagePull, then ImagePullBackOff', async () => {
  await kube.apps.createNamespacedDeployment({
    namespace,
    body: deployment('old-flink', { name: 'main', image: 'flink:1.99', args: ['jobmanager'] }),
  });
  const pulling = await podWhere({
    namespace,
    labelSelector: 'app=old-flink',
    what: 'ErrImagePull',
    ok: (p) => waitingReason(p) === 'ErrImagePull',
  });
  expect(pulling.status?.containerStatuses?.[0]?.state?.waiting?.message).toContain(
    'image flink:1.99: Flink 1.99.* could not be installed from PyPI',
  );
  expect(pulling.status?.phase).toBe('Pending');
  const backingOff = await podWhere({
    namespace,
    labelSelector: 'app=old-flink',
    what: 'ImagePullBackOff',
    ok: (p) => waitingReason(p) === 'ImagePullBackOff',
  });
  expect(backingOff.status?.containerStatuses?.[0]?.ready).toBe(false);
  const reasons = (await podEvents(namespace, backingOff.metadata?.name ?? '')).map((e) => `${e.reason}: ${e.message}`);
  expect(reasons).toEqual(
    expect.arrayContaining([
      expect.stringContaining('Failed: Failed to pull image "flink:1.99"'),
      expect.stringContaining('BackOff'),
    ]),
  );
});

test('a container that keeps exiting 3 is restarted, counted, and waits with CrashLoopBackOff', async () => {
  await kube.apps.createNamespacedDeployment({
    namespace,
    body: deployment('crasher', { name: 'main', image: 'flink:2.3', command: ['sh', '-c', 'echo crashing; exit 3'] }),
  });
  const crashing = await podWhere({
    namespace,
    labelSelector: 'app=crasher',
    what: 'CrashLoopBackOff after a restart',
    ok: (p) => waitingReason(p) === 'CrashLoopBackOff' && (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
  });
  const status = crashing.status?.containerStatuses?.[0];
  expect(status?.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
  expect(status?.state?.waiting?.message).toMatch(/^back-off 10s restarting failed container=main pod=crasher-/);
  expect(crashing.status?.phase).toBe('Running');
  expect(crashing.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  const reasons = (await podEvents(namespace, crashing.metadata?.name ?? '')).map((e) => e.reason);
  expect(reasons).toEqual(expect.arrayContaining(['Scheduled', 'Started', 'BackOff']));
});
