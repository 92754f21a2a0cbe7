/**
 * Flink's scheduler keys (docs/spec.md, "Scheduler"): `jobmanager.scheduler` (Default, Adaptive, AdaptiveBatch)
 * and `scheduler-mode` (reactive), read as Flink reads an enum: in any case. A value Flink cannot read is refused:
 * its JobManager would fail as the job starts, after an upgrade stopped the old one. The refusal trims the value
 * (Flink 1.x's `key: value` file does; Flink 2's YAML keeps a quoted space, and then Flink alone refuses it).
 * Pure and deterministic: safe in workflow code and the CLI.
 */
import { SpecIssueCode, type FlinkVersion, type SpecIssue } from './types';

/** The flinkConfiguration key and value that turn the adaptive scheduler on. */
export const adaptiveSchedulerKey = 'jobmanager.scheduler';
export const adaptiveSchedulerValue = 'adaptive';

/** The key and value of reactive mode (which runs the adaptive scheduler on the TaskManagers there are). */
export const schedulerModeKey = 'scheduler-mode';
export const reactiveModeValue = 'reactive';

/** What Flink 2.x reads for each key (JobManagerOptions.SchedulerType, SchedulerExecutionMode). */
const readable: Record<string, readonly string[]> = {
  [adaptiveSchedulerKey]: ['Default', 'Adaptive', 'AdaptiveBatch'],
  [schedulerModeKey]: [reactiveModeValue],
};

/** Flink 1.x reads `Ng` too (the default scheduler's old name, gone in 2.0). */
const readableOn1x: Record<string, readonly string[]> = {
  ...readable,
  [adaptiveSchedulerKey]: ['Ng', ...readable[adaptiveSchedulerKey]!],
};

type Config = Readonly<Record<string, string>>;

/** A value as a Flink 1.x configuration file reads it (trimmed), in lower case. */
function read(config: Config, key: string): string | undefined {
  return config[key]?.trim().toLowerCase();
}

// The two below decide in workflow code (rescale, diff): untrimmed, as they always have.
export function isAdaptiveScheduler(config: Config): boolean {
  return config[adaptiveSchedulerKey]?.toLowerCase() === adaptiveSchedulerValue;
}

export function isReactiveMode(config: Config): boolean {
  return config[schedulerModeKey]?.toLowerCase() === reactiveModeValue;
}

/** Whether the job runs with the slots there are: the adaptive scheduler, or reactive mode (which uses it). */
export function runsWithSlotsThereAre(config: Config): boolean {
  return (
    read(config, adaptiveSchedulerKey) === adaptiveSchedulerValue ||
    read(config, schedulerModeKey) === reactiveModeValue
  );
}

/**
 * A scheduler key set to a value Flink `version` cannot read; without a version, as the first check did (what
 * Flink 2.x reads, for every version: a workflow's replay of a run started before the check by version).
 */
export function schedulerIssues(config: Config, configPath: string, version?: FlinkVersion): SpecIssue[] {
  return Object.entries(version?.major === 1 ? readableOn1x : readable).flatMap(([key, values]) => {
    const value = config[key];
    if (value === undefined || values.some((v) => v.toLowerCase() === read(config, key))) return [];
    return [
      {
        code: SpecIssueCode.InvalidValue,
        path: `${configPath}["${key}"]`,
        message:
          `${key} is ${JSON.stringify(value)}: Flink reads one of ${values.join(', ')}, and its JobManager ` +
          'would fail as the job starts',
        hint: `Set ${key} to one of ${values.join(', ')} (any case), or remove it.`,
      },
    ];
  });
}
