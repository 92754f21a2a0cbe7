/**
 * After an agent restart: what each container (init containers too) of a still-existing pod was doing. A process
 * that still runs (same pid and start time) is adopted; one that ended while the agent was
 * away is reported with the exit code its wrapper wrote, then restarted per restartPolicy;
 * a container that had finished for good stays finished. Nothing runs twice.
 */
import fs from 'node:fs';
import type * as k8s from '@kubernetes/client-node';
import { initRestartPolicy, shouldRestart } from './backoff';
import type { AdoptedContainer } from './container-runner';
import { fromV1State, type ContainerState } from './container-state';
import { readProcessRecord, type ProcessSupervisor } from './process-supervisor';
import type { StateStore } from './state-store';

/** The adopted state of every container of `pod`. */
export function adoptContainers(input: {
  pod: k8s.V1Pod;
  store: StateStore;
  supervisor: ProcessSupervisor;
}): Map<string, AdoptedContainer> {
  const { pod } = input;
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  const adopted = new Map<string, AdoptedContainer>();
  const all = [
    ...(pod.spec?.initContainers ?? []).map((container) => ({ container, init: true })),
    ...(pod.spec?.containers ?? []).map((container) => ({ container, init: false })),
  ];
  for (const { container, init } of all) {
    const paths = input.store.containerPaths({ namespace, name, container: container.name });
    const statuses = init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
    const status = statuses?.find((s) => s.name === container.name);
    const restartPolicy = init ? initRestartPolicy(pod.spec?.restartPolicy) : pod.spec?.restartPolicy;
    const restartCount = status?.restartCount ?? 0;
    const record = readProcessRecord(paths.processFile);
    const ours = record && record.podUid === pod.metadata?.uid ? record : undefined;
    const process = ours
      ? input.supervisor.adopt({ record: ours, exitCodeFile: paths.exitCodeFile, processFile: paths.processFile })
      : undefined;
    if (process) {
      adopted.set(container.name, { process, restartCount, hasRun: true, finished: false });
      continue;
    }
    let lastExit: (ContainerState & { kind: 'terminated' }) | undefined;
    const apiState = fromV1State(status?.state);
    if (ours) {
      fs.rmSync(paths.processFile, { force: true });
      const code = Number(readText(paths.exitCodeFile)?.trim());
      lastExit = {
        kind: 'terminated',
        exitCode: Number.isInteger(code) ? code : 137,
        reason: code === 0 ? 'Completed' : 'Error',
        message: Number.isInteger(code) ? undefined : 'ended while the node agent was away',
        startedAt: new Date(ours.startedAt),
        finishedAt: new Date(),
      };
    } else if (apiState?.kind === 'terminated') {
      lastExit = apiState;
    } else if (apiState?.kind === 'running') {
      lastExit = {
        kind: 'terminated',
        exitCode: 137,
        reason: 'Error',
        message: 'ended while the node agent was away',
        startedAt: apiState.startedAt,
        finishedAt: new Date(),
      };
    }
    const hasRun = lastExit !== undefined || status?.lastState?.terminated !== undefined;
    const finished = lastExit !== undefined && !shouldRestart({ restartPolicy, exitCode: lastExit.exitCode });
    adopted.set(container.name, { lastExit, restartCount, hasRun, finished });
  }
  return adopted;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
