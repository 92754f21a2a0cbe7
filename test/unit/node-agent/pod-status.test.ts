/** Init containers in the pod status, as a kubelet reports them. */
import type { ContainerSnapshot } from '../../../src/local/node-agent/container-state';
import { Initialization, podStatus, statusDrift } from '../../../src/local/node-agent/pod-status';

const t0 = new Date('2026-12-04T10:00:00Z');
const t1 = new Date('2026-12-04T10:00:05Z');
const init = (state: ContainerSnapshot['state'], ready = false): ContainerSnapshot => ({
  name: 'fetch',
  image: 'busybox:1.35.0',
  imageId: 'debian://busybox-static@1.35.0',
  state,
  restartCount: 0,
  ready,
});
const main: ContainerSnapshot = {
  name: 'flink-main-container',
  image: 'flink:1.20',
  imageId: '',
  state: { kind: 'waiting', reason: 'ContainerCreating' },
  restartCount: 0,
  ready: false,
};
const statusOf = (initialization: Initialization, initState: ContainerSnapshot, containers = [main]) =>
  podStatus({
    initContainers: [initState],
    initialization,
    containers,
    restartPolicy: 'Always',
    podIp: '127.1.0.9',
    startTime: t0,
    conditions: new Map(),
  });
const condition = (status: ReturnType<typeof podStatus>, type: string) =>
  status.conditions?.find((c) => c.type === type);

test('while an init container runs: Pending, not Initialized, its status shown, the containers PodInitializing', () => {
  const status = statusOf(Initialization.Running, init({ kind: 'running', startedAt: t0 }));
  expect(status.phase).toBe('Pending');
  expect(condition(status, 'Initialized')).toMatchObject({
    status: 'False',
    reason: 'ContainersNotInitialized',
    message: 'containers with incomplete status: [fetch]',
  });
  expect(status.initContainerStatuses?.[0]).toMatchObject({ name: 'fetch', state: { running: { startedAt: t0 } } });
  expect(status.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'PodInitializing' } });
});

test('once it completed: Initialized, the init container Completed and ready, the containers their own', () => {
  const done = init({ kind: 'terminated', exitCode: 0, reason: 'Completed', startedAt: t0, finishedAt: t1 }, true);
  const running: ContainerSnapshot = { ...main, state: { kind: 'running', startedAt: t1 }, ready: true };
  const status = statusOf(Initialization.Done, done, [running]);
  expect(status.phase).toBe('Running');
  expect(condition(status, 'Initialized')?.status).toBe('True');
  expect(condition(status, 'Ready')?.status).toBe('True');
  expect(status.initContainerStatuses?.[0]).toMatchObject({
    ready: true,
    state: { terminated: { exitCode: 0, reason: 'Completed' } },
  });
  expect(status.containerStatuses?.[0]?.state).toEqual({ running: { startedAt: t1 } });
});

test('an init container failed for good (restartPolicy: Never): the pod Failed, its containers never started', () => {
  const failed = init({ kind: 'terminated', exitCode: 1, reason: 'Error', startedAt: t0, finishedAt: t1 });
  const status = statusOf(Initialization.Failed, failed);
  expect(status.phase).toBe('Failed');
  expect(condition(status, 'Initialized')?.status).toBe('False');
  expect(status.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'PodInitializing' } });
});

test('a pod without init containers reports none', () => {
  const status = podStatus({
    containers: [main],
    restartPolicy: 'Always',
    podIp: '127.1.0.9',
    startTime: t0,
    conditions: new Map(),
  });
  expect(status.initContainerStatuses).toBeUndefined();
  expect(condition(status, 'Initialized')?.status).toBe('True');
});

test('the drift a kubelet mends: Ready set False by the node lifecycle controller, every container ready', () => {
  const running: ContainerSnapshot = { ...main, state: { kind: 'running', startedAt: t1 }, ready: true };
  const ours = statusOf(
    Initialization.Done,
    init({ kind: 'terminated', exitCode: 0, reason: 'Completed', startedAt: t0, finishedAt: t1 }, true),
    [running],
  );
  expect(ours.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  expect(statusDrift(ours, ours)).toEqual([]);
  // What MarkPodsNotReady writes: the Ready condition False, the rest as the node wrote it.
  const marked = {
    ...ours,
    conditions: ours.conditions?.map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False', reason: 'NodeNotReady' } : c,
    ),
  };
  expect(statusDrift(marked, ours)).toEqual(['Ready False (ours True)']);
  // A pod the API holds no status of yet (never written): everything differs.
  expect(statusDrift(undefined, ours)).toContain('phase - (ours Running)');
});
