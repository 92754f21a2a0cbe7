import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { explainPod, PodProblemKind } from '../../../src/k8s';

function pod(
  status: V1Pod['status'],
  spec: Partial<NonNullable<V1Pod['spec']>> = { nodeName: 'local-node' },
  deleting = false,
): V1Pod {
  return {
    metadata: {
      name: 'orders-jobmanager-abc',
      ...(deleting ? { deletionTimestamp: new Date('2026-01-01T00:00:00Z') } : {}),
    },
    spec: { containers: [{ name: 'flink-main-container' }], ...spec },
    status,
  };
}

function container(state: V1ContainerStatus['state'], extra: Partial<V1ContainerStatus> = {}): V1ContainerStatus {
  return {
    name: 'flink-main-container',
    image: 'flink:2.3',
    imageID: '',
    ready: false,
    restartCount: 0,
    state,
    ...extra,
  };
}

const notReady = [
  {
    type: 'Ready',
    status: 'False',
    reason: 'ContainersNotReady',
    message: 'containers with unready status: [flink-main-container]',
  },
];

test('a ready pod has no problems', () => {
  const explained = explainPod(
    pod({
      phase: 'Running',
      podIP: '127.1.0.5',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [container({ running: {} }, { ready: true })],
    }),
  );
  expect(explained).toMatchObject({ ready: true, problems: [], summary: 'ready', podIP: '127.1.0.5', restartCount: 0 });
});

test('image pull errors', () => {
  const explained = explainPod(
    pod({
      phase: 'Pending',
      conditions: notReady,
      containerStatuses: [
        container({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "flink:9"' } }),
      ],
    }),
  );
  expect(explained.problems).toEqual([
    {
      kind: PodProblemKind.ImagePull,
      container: 'flink-main-container',
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "flink:9"',
      restartCount: 0,
    },
  ]);
  expect(explained.summary).toBe('ImagePullBackOff in flink-main-container (Back-off pulling image "flink:9")');
});

test('a crash loop with the last exit code and restart count', () => {
  const explained = explainPod(
    pod({
      phase: 'Running',
      conditions: notReady,
      containerStatuses: [
        container(
          { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
          {
            restartCount: 4,
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: new Date('2026-01-01T00:00:00Z') } },
          },
        ),
      ],
    }),
  );
  expect(explained.problems).toEqual([
    {
      kind: 'crash-loop',
      container: 'flink-main-container',
      reason: 'CrashLoopBackOff',
      message: 'back-off 40s',
      exitCode: 1,
      restartCount: 4,
    },
  ]);
  expect(explained.restartCount).toBe(4);
  expect(explained.containers[0]?.lastTermination).toEqual({
    exitCode: 1,
    reason: 'Error',
    finishedAt: '2026-01-01T00:00:00.000Z',
  });
  expect(explained.summary).toBe('CrashLoopBackOff in flink-main-container (last exit code 1, 4 restarts)');
});

test('unschedulable, and not scheduled yet', () => {
  const unschedulable = explainPod(
    pod(
      {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/1 nodes are available: 1 Insufficient memory.',
          },
        ],
      },
      {},
    ),
  );
  expect(unschedulable.problems).toEqual([
    { kind: 'unschedulable', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient memory.' },
  ]);
  const waiting = explainPod(pod({ phase: 'Pending' }, {}));
  expect(waiting.problems.map((p) => p.kind)).toEqual(['not-scheduled']);
});

test('terminated containers with exit codes (OOMKilled), and other waiting reasons', () => {
  const oom = explainPod(
    pod({
      phase: 'Running',
      conditions: notReady,
      containerStatuses: [container({ terminated: { exitCode: 137, reason: 'OOMKilled' } }, { restartCount: 1 })],
    }),
  );
  expect(oom.problems).toEqual([
    {
      kind: 'container-terminated',
      container: 'flink-main-container',
      reason: 'OOMKilled',
      exitCode: 137,
      restartCount: 1,
      message: undefined,
    },
  ]);
  expect(oom.summary).toBe('OOMKilled in flink-main-container (exit code 137, 1 restart)');
  const config = explainPod(
    pod({
      phase: 'Pending',
      conditions: notReady,
      containerStatuses: [
        container({
          waiting: { reason: 'CreateContainerConfigError', message: 'configmap "orders-config" not found' },
        }),
      ],
    }),
  );
  expect(config.problems.map((p) => [p.kind, p.reason])).toEqual([['container-waiting', 'CreateContainerConfigError']]);
});

test('init containers: a failing one is named, a finished one is not a problem', () => {
  const explained = explainPod(
    pod({
      phase: 'Pending',
      conditions: notReady,
      initContainerStatuses: [
        { ...container({ terminated: { exitCode: 0, reason: 'Completed' } }), name: 'fetch-jar' },
        { ...container({ terminated: { exitCode: 2, reason: 'Error' } }), name: 'check' },
      ],
      containerStatuses: [container({ waiting: { reason: 'PodInitializing' } })],
    }),
  );
  expect(explained.problems.map((p) => [p.container, p.reason, p.exitCode])).toEqual([
    ['init:check', 'Error', 2],
    ['flink-main-container', 'PodInitializing', undefined],
  ]);
  expect(explained.containers.map((c) => c.name)).toEqual(['init:fetch-jar', 'init:check', 'flink-main-container']);
});

test("an init container's restarts count as the pod's (its crash loop is the pod's: stability.maxPodRestarts)", () => {
  const explained = explainPod(
    pod({
      phase: 'Pending',
      conditions: notReady,
      initContainerStatuses: [
        {
          ...container({ waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 3 }),
          name: 'artifacts-fetcher',
          lastState: { terminated: { exitCode: 1, reason: 'Error' } },
        },
      ],
      containerStatuses: [container({ waiting: { reason: 'PodInitializing' } })],
    }),
  );
  expect(explained.restartCount).toBe(3);
  expect(explained.summary).toContain('CrashLoopBackOff in init:artifacts-fetcher (last exit code 1, 3 restarts)');
});

test('running but not passing readiness; failed and evicted; terminating; starting on a node', () => {
  expect(
    explainPod(
      pod({ phase: 'Running', conditions: notReady, containerStatuses: [container({ running: {} })] }),
    ).problems.map((p) => p.kind),
  ).toEqual(['container-not-ready']);
  expect(
    explainPod(pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }))
      .problems[0],
  ).toEqual({ kind: 'pod-failed', reason: 'Evicted', message: 'The node was low on resource: memory.' });
  expect(
    explainPod(
      pod({ phase: 'Running', conditions: notReady, containerStatuses: [container({ running: {} })] }, undefined, true),
    ).problems.map((p) => p.kind),
  ).toEqual(['terminating', 'container-not-ready']);
  expect(explainPod(pod({ phase: 'Pending' })).problems).toEqual([
    { kind: 'starting', reason: 'Starting', message: 'scheduled to local-node, containers not started yet' },
  ]);
  expect(explainPod(pod({ phase: 'Running', conditions: notReady, containerStatuses: [] })).problems).toEqual([
    {
      kind: 'not-ready',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [flink-main-container]',
    },
  ]);
});

test("a pod's deploy generation comes from its flink-deploy.io/generation annotation", () => {
  const withAnnotation = (value?: string): V1Pod => ({
    metadata: { name: 'p', ...(value !== undefined ? { annotations: { 'flink-deploy.io/generation': value } } : {}) },
    status: { phase: 'Pending' },
  });
  expect(explainPod(withAnnotation('7')).generation).toBe(7);
  expect(explainPod(withAnnotation('x')).generation).toBeUndefined();
  expect(explainPod(withAnnotation()).generation).toBeUndefined();
});
