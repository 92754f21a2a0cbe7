/** After an agent restart: init containers are adopted as the API last saw them, with their own restart policy. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { adoptContainers } from '../../../src/local/node-agent/adoption';
import { ProcessSupervisor } from '../../../src/local/node-agent/process-supervisor';
import { StateStore } from '../../../src/local/node-agent/state-store';

const stateDir = mkdtempSync(path.join(tmpdir(), 'fd-adopt-'));
const store = new StateStore(stateDir);
const supervisor = new ProcessSupervisor(stateDir);
const t0 = new Date('2026-12-04T10:00:00Z');
const terminated = (exitCode: number): k8s.V1ContainerState => ({
  terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: t0, finishedAt: t0 },
});

function pod(restartPolicy: string, init: k8s.V1ContainerState, main: k8s.V1ContainerState): k8s.V1Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-1' },
    spec: {
      restartPolicy,
      initContainers: [{ name: 'fetch', image: 'busybox:1.35.0' }],
      containers: [{ name: 'main', image: 'flink:2.3' }],
    },
    status: {
      initContainerStatuses: [{ name: 'fetch', image: '', imageID: '', ready: true, restartCount: 0, state: init }],
      containerStatuses: [{ name: 'main', image: '', imageID: '', ready: false, restartCount: 0, state: main }],
    },
  };
}

test('a completed init container stays finished (it never runs again), whatever the pod restart policy', () => {
  const adopted = adoptContainers({
    pod: pod('Always', terminated(0), { running: { startedAt: t0 } }),
    store,
    supervisor,
  });
  expect(adopted.get('fetch')).toMatchObject({ finished: true, hasRun: true, lastExit: { exitCode: 0 } });
  // The container that ran while the agent was away: counted as ended, restarted (Always).
  expect(adopted.get('main')).toMatchObject({ finished: false, hasRun: true, lastExit: { exitCode: 137 } });
});

test('a failed init container is restarted under Always (as OnFailure), and stays failed under Never', () => {
  const waiting = { waiting: { reason: 'PodInitializing' } };
  expect(adoptContainers({ pod: pod('Always', terminated(1), waiting), store, supervisor }).get('fetch')).toMatchObject(
    { finished: false, hasRun: true },
  );
  expect(adoptContainers({ pod: pod('Never', terminated(1), waiting), store, supervisor }).get('fetch')).toMatchObject({
    finished: true,
  });
  // A container that waited for the init containers had not run.
  expect(adoptContainers({ pod: pod('Always', terminated(1), waiting), store, supervisor }).get('main')).toMatchObject({
    hasRun: false,
    finished: false,
  });
});
