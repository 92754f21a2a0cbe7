/** Normalising `resource` / `resources` of a JobManager or TaskManager. */
import { maxMemoryBytes, maxMemoryMiB, parseCpu, parseMemoryBytes, parseMemoryMiB } from './quantities';
import { SpecIssueCode, type ProcessResources, type SpecIssue } from './types';
import type { ComponentManifest } from './schema';

/** Input of `normalizeResources`. */
export interface NormalizeResourcesInput {
  component: ComponentManifest | undefined;
  /** `spec.jobManager` or `spec.taskManager`, for issue paths. */
  path: string;
  /** `jobmanager.memory.process.size` / `taskmanager.memory.process.size` from flinkConfiguration. */
  configuredMemory: string | undefined;
  configKey: string;
  defaults: { cpu: number; memoryMiB: number };
  /** The launch checks (ValidateOptions.launchChecks): memory over what Flink can hold is refused. */
  launchChecks?: boolean;
}

/** Memory over the 2^63 − 1 bytes Flink's `MemorySize` holds: Flink refuses it as the process starts. */
function tooMuchMemory(path: string, value: unknown): SpecIssue[] {
  const bytes = parseMemoryBytes(value);
  if (bytes === undefined || bytes <= maxMemoryBytes) return [];
  return [
    {
      code: SpecIssueCode.InvalidValue,
      path,
      message:
        `${JSON.stringify(value)} is more memory than Flink can hold: at most ${maxMemoryMiB}m (2^63 − 1 bytes, a ` +
        '64-bit count); Flink would refuse it as the process starts (MemorySize: "numeric overflow")',
      hint: 'Give the memory the process needs, e.g. "2048m" or "4Gi".',
    },
  ];
}

const knownResourceNames = ['cpu', 'memory', 'ephemeral-storage'];

/** CPU/memory of one process from the manifest, the Flink configuration, or the defaults. */
export function normalizeResources(input: NormalizeResourcesInput): {
  resources: ProcessResources;
  issues: SpecIssue[];
  /** The field the memory came from; undefined for the default. */
  memoryFrom?: string;
  /** The memory as given, when it is a bare number (bytes, as Kubernetes reads it). */
  memoryNumber?: number;
} {
  const { component, path } = input;
  const issues: SpecIssue[] = [];
  if (component?.resource && component.resources) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: `${path}.resources`,
      message: 'both resource and resources are given',
      hint: 'Use either resource: {cpu, memory} or resources: {requests, limits}.',
    });
  }
  const requests = component?.resources?.requests ?? {};
  const limits = component?.resources?.limits ?? {};
  for (const [listName, list] of [
    ['requests', requests],
    ['limits', limits],
  ] as const) {
    for (const [name, value] of Object.entries(list)) {
      const where = `${path}.resources.${listName}.${name}`;
      if (!knownResourceNames.includes(name)) {
        issues.push({
          code: SpecIssueCode.UnknownField,
          path: where,
          message: `unknown resource "${name}"`,
          hint: `Use ${knownResourceNames.join(', ')}.`,
        });
      } else if (name === 'cpu' && parseCpu(value) === undefined) {
        issues.push({
          code: SpecIssueCode.InvalidValue,
          path: where,
          message: `"${value}" is not a CPU quantity`,
          hint: 'Use cores (0.5, 1) or millicores ("500m").',
        });
      } else if (name === 'memory' && parseMemoryMiB(value) === undefined) {
        issues.push({
          code: SpecIssueCode.InvalidValue,
          path: where,
          message: `"${value}" is not a memory size`,
          hint: 'Use e.g. "2048m", "2Gi".',
        });
      } else if (name === 'memory' && input.launchChecks) issues.push(...tooMuchMemory(where, value));
    }
  }
  const specMemory = component?.resource?.memory ?? requests.memory ?? limits.memory;
  const specMemoryMiB = parseMemoryMiB(specMemory);
  const configuredMiB = input.configuredMemory === undefined ? undefined : parseMemoryMiB(input.configuredMemory);
  if (input.configuredMemory !== undefined && configuredMiB === undefined) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: `spec.flinkConfiguration["${input.configKey}"]`,
      message: `"${input.configuredMemory}" is not a memory size`,
      hint: 'Use e.g. "2048m".',
    });
  }
  if (input.launchChecks) {
    if (component?.resource?.memory !== undefined)
      issues.push(...tooMuchMemory(`${path}.resource.memory`, component.resource.memory));
    if (input.configuredMemory !== undefined)
      issues.push(...tooMuchMemory(`spec.flinkConfiguration["${input.configKey}"]`, input.configuredMemory));
  }
  if (specMemoryMiB !== undefined && configuredMiB !== undefined && specMemoryMiB !== configuredMiB) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: `spec.flinkConfiguration["${input.configKey}"]`,
      message: `${input.configKey} (${configuredMiB} MiB) contradicts ${path} memory (${specMemoryMiB} MiB)`,
      hint: `Set the memory only in ${path}.resource.memory.`,
    });
  }
  const cpuLimit = parseCpu(limits.cpu);
  const ephemeral =
    component?.resource?.ephemeralStorage ?? requests['ephemeral-storage'] ?? limits['ephemeral-storage'];
  const resources: ProcessResources = {
    cpu: parseCpu(component?.resource?.cpu ?? requests.cpu ?? limits.cpu) ?? input.defaults.cpu,
    memoryMiB: specMemoryMiB ?? configuredMiB ?? input.defaults.memoryMiB,
    ...(cpuLimit !== undefined ? { cpuLimit } : {}),
    ...(ephemeral !== undefined ? { ephemeralStorage: String(ephemeral) } : {}),
  };
  const memoryFrom =
    specMemoryMiB === undefined
      ? configuredMiB === undefined
        ? undefined
        : `spec.flinkConfiguration["${input.configKey}"]`
      : component?.resource?.memory !== undefined
        ? `${path}.resource.memory`
        : `${path}.resources.${requests.memory !== undefined ? 'requests' : 'limits'}.memory`;
  return {
    resources,
    issues,
    ...(memoryFrom !== undefined ? { memoryFrom } : {}),
    ...(typeof specMemory === 'number' ? { memoryNumber: specMemory } : {}),
  };
}
