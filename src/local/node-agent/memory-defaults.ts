/**
 * JVM memory for pods that do not say: a 2-core, 24 GiB machine must hold at least three
 * small applications (JobManager + TaskManager each) next to the rest of the stack.
 *
 * Order: the pod's Flink config (config.yaml, FLINK_PROPERTIES, -D args) wins; else the
 * container's memory limit (then request), when it is a sane size (>= 256 MiB); else the
 * defaults below.
 */
import type * as k8s from '@kubernetes/client-node';
import type { FlinkConfig } from './flink-config';

/** Default `jobmanager.memory.process.size` for pods that do not set their memory. */
export const DEFAULT_JOBMANAGER_PROCESS_SIZE = '768m';
/** Default `taskmanager.memory.process.size` for pods that do not set their memory. */
export const DEFAULT_TASKMANAGER_PROCESS_SIZE = '1024m';

const JOBMANAGER_KEYS = [
  'jobmanager.memory.process.size',
  'jobmanager.memory.flink.size',
  'jobmanager.memory.heap.size',
];
const TASKMANAGER_KEYS = [
  'taskmanager.memory.process.size',
  'taskmanager.memory.flink.size',
  'taskmanager.memory.task.heap.size',
];

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  m: 1e-3,
};

/** Bytes of a Kubernetes quantity such as `1Gi` or `1500M`; undefined if unreadable. */
export function quantityBytes(quantity: string | undefined): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|m)?$/.exec(quantity?.trim() ?? '');
  if (!match) return undefined;
  return Number(match[1]) * (UNITS[match[2] ?? ''] ?? 1);
}

/**
 * The memory setting to add for a `role` container, or undefined when the user's config
 * already sizes the process.
 */
export function memoryDefault(input: {
  role: 'jobmanager' | 'taskmanager';
  userConfig: FlinkConfig;
  resources: k8s.V1ResourceRequirements | undefined;
}): [string, string] | undefined {
  const keys = input.role === 'jobmanager' ? JOBMANAGER_KEYS : TASKMANAGER_KEYS;
  if (keys.some((k) => input.userConfig.has(k))) return undefined;
  const key = keys[0] as string;
  const declared = quantityBytes(input.resources?.limits?.memory) ?? quantityBytes(input.resources?.requests?.memory);
  if (declared !== undefined && declared >= 256 * 1024 ** 2) return [key, `${Math.floor(declared / 1024 ** 2)}m`];
  return [key, input.role === 'jobmanager' ? DEFAULT_JOBMANAGER_PROCESS_SIZE : DEFAULT_TASKMANAGER_PROCESS_SIZE];
}
