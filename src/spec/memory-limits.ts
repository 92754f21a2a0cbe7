/**
 * The least process memory Flink starts a JobManager or TaskManager with, checked when the manifest is read:
 * below it Flink's own memory model refuses the configuration as the process starts (an
 * `IllegalConfigurationException` in the JobManager's or TaskManager's log), after an upgrade has stopped the
 * old job. Only Flink's defaults are modelled: when the manifest sets any finer memory option of the process
 * (`jobmanager.memory.*`, `taskmanager.memory.*` besides the process size), Flink alone judges it.
 *
 * Flink's defaults (the same from 1.18 to 2.3): JVM metaspace 256m; JVM overhead 10% of the process memory,
 * at least 192m, at most 1g. The JobManager's Flink memory must hold more than its off-heap memory (128m). The
 * TaskManager's Flink memory must hold its framework heap and off-heap (128m each), managed memory (40% of it)
 * and network memory (10% of it, at least 64m). Measured with Flink 2.3's `BashJavaUtils` (the start scripts'
 * check): a JobManager of 576m is refused, 577m taken; a TaskManager of 981m refused, 982m taken.
 */
import { SpecIssueCode, type SpecIssue } from './types';

export type MemoryRole = 'jobmanager' | 'taskmanager';

const metaspaceMiB = 256;

function overheadMiB(processMiB: number): number {
  return Math.min(Math.max(processMiB * 0.1, 192), 1024);
}

/** Whether Flink's default memory model fits a process of `processMiB`. */
function fits(role: MemoryRole, processMiB: number): boolean {
  const flinkMiB = processMiB - metaspaceMiB - overheadMiB(processMiB);
  if (role === 'jobmanager') return flinkMiB > 128;
  const networkMiB = Math.max(flinkMiB * 0.1, 64);
  return flinkMiB - 128 - 128 - flinkMiB * 0.4 - networkMiB >= 0;
}

/** The least whole MiB Flink's default memory model fits. */
export function leastMemoryMiB(role: MemoryRole): number {
  let mib = 1;
  while (!fits(role, mib)) mib++;
  return mib;
}

const processSizeKey = (role: MemoryRole) => `${role}.memory.process.size`;

const described: Record<MemoryRole, { name: string; parts: string; example: string }> = {
  jobmanager: {
    name: 'JobManager',
    parts: 'JVM metaspace 256m, JVM overhead at least 192m, off-heap 128m and a heap',
    example: '1024m',
  },
  taskmanager: {
    name: 'TaskManager',
    parts:
      'JVM metaspace 256m, JVM overhead at least 192m, framework heap and off-heap 128m each, ' +
      'managed memory 40% and network memory at least 64m',
    example: '2048m',
  },
};

/**
 * The issue of a process memory below what Flink starts with its default memory options; none when the
 * configuration sets a finer memory option of that process (Flink's model then depends on it).
 * `from` names the field the memory came from; `number` the memory given as a bare number (bytes), when the launch
 * checks are on: too small, it is said to want a unit (and under 1 MiB it is refused whatever the options: Flink
 * reads no process of 0m).
 */
export function memoryIssues(input: {
  role: MemoryRole;
  memoryMiB: number;
  from: string;
  config: Record<string, string>;
  number?: number;
}): SpecIssue[] {
  const { role, memoryMiB, from, config, number } = input;
  const finer = Object.keys(config).some((key) => key.startsWith(`${role}.memory.`) && key !== processSizeKey(role));
  if ((finer && memoryMiB > 0) || fits(role, memoryMiB)) return [];
  const least = leastMemoryMiB(role);
  const { name, parts, example } = described[role];
  if (number !== undefined)
    return [
      {
        code: SpecIssueCode.InvalidValue,
        path: from,
        message:
          `memory must be a string with a unit (e.g. "${example}"): the bare number ${number} is read as ${number} ` +
          `bytes, ${memoryMiB}m, below the ${least}m a ${name} needs`,
        hint: `Write ${from}: "${number}m" (quoted, with its unit) if ${number} MiB was meant.`,
      },
    ];
  if (finer) return [];
  return [
    {
      code: SpecIssueCode.InvalidValue,
      path: from,
      message:
        `a ${name} of ${memoryMiB}m is below the ${least}m Flink needs with its default memory options ` +
        `(${parts}): Flink would refuse it as the process starts`,
      hint: `Set ${from} to ${least}m or more (e.g. ${example}), or set Flink's ${role}.memory.* options yourself.`,
    },
  ];
}
