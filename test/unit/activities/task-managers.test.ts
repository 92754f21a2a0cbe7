/** TaskManagers on demand: how many a session cluster runs for its jobs' slots, and where that demand is read. */
import type { V1Service } from '@kubernetes/client-node';
import { sessionJobServices, slotDemand } from '../../../src/activities/session-services';
import { taskManagersFor } from '../../../src/activities/task-managers';
import { AnnotationKey, selectorLabels } from '../../../src/k8s/render';
import type { AppSpec } from '../../../src/spec/types';

const service = (name: string, selects: string, slots?: string): V1Service => ({
  metadata: { name, ...(slots !== undefined ? { annotations: { [AnnotationKey.Slots]: slots } } : {}) },
  spec: { selector: selectorLabels(selects, 'jobmanager') },
});

test("the demand: the slots its jobs' Services ask; stopped (0), unreadable or other clusters' count nothing", () => {
  const services = [
    service('orders-rest', 'shared', '4'),
    service('payments-rest', 'shared', '2'),
    service('stopped-rest', 'shared', '0'),
    service('garbled-rest', 'shared', 'four'),
    service('fresh-rest', 'shared'),
    service('elsewhere-rest', 'other', '8'),
    // The cluster's own Service selects its JobManager too, and is never a job's.
    service('shared-rest', 'shared', '5'),
  ];
  expect(slotDemand(services, 'shared')).toBe(6);
  expect(slotDemand(services, 'other')).toBe(8);
  expect(sessionJobServices(services, 'shared').map((s) => s.metadata?.name)).not.toContain('shared-rest');
});

const cluster = (replicas: number, slots: number, flinkConfiguration: Record<string, string> = {}) =>
  ({ taskManager: { replicas, onDemand: true }, slotsPerTaskManager: slots, flinkConfiguration }) as unknown as AppSpec;

test.each([
  ['no demand: the deployed count', cluster(1, 1), 0, 1],
  ["the Apache example's two jobs, 4 + 2 slots of 1 each", cluster(1, 1), 6, 6],
  ['slots rounded up to whole TaskManagers', cluster(1, 2), 5, 3],
  ['never fewer than the deployed count', cluster(3, 2), 2, 3],
  ['bounded by slotmanager.number-of-slots.max', cluster(1, 2, { 'slotmanager.number-of-slots.max': '7' }), 20, 3],
  ['a bound below the deployed count keeps it', cluster(4, 2, { 'slotmanager.number-of-slots.max': '2' }), 20, 4],
])('%s', (_what, spec, demand, taskManagers) => {
  expect(taskManagersFor(spec, demand)).toBe(taskManagers);
});
