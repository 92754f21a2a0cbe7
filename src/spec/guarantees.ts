/**
 * Settings that would break what flink-deploy promises, refused with the reason: an upgrade
 * savepoint that Flink may delete (claim mode CLAIM), checkpoints deleted on cancel when an
 * upgrade restores from them, and a checkpoint interval that no stability check can wait out.
 */
import { ConfigPurpose, configKey, configKeyNames } from './flink-config';
import { formatDurationMs, parseFlinkDurationMs } from './durations';
import { SpecIssueCode, UpgradeMode, type FlinkVersion, type SpecIssue } from './types';

/** Flink's checkpoint retention key (one name in 1.x and 2.x). */
export const checkpointRetentionKey = 'execution.checkpointing.externalized-checkpoint-retention';
/** Flink's checkpoint interval key. */
export const checkpointIntervalKey = 'execution.checkpointing.interval';
/**
 * Flink's least checkpoint interval (`CheckpointConfig.MINIMAL_CHECKPOINT_TIME`): below it the job's main method
 * throws as it creates its environment ("Checkpoint interval must be larger than or equal to 10 ms"), so the new
 * version never starts; 0 does not turn checkpointing off.
 */
export const leastCheckpointIntervalMs = 10;

/** What the guarantee checks need besides the configuration. */
export interface GuaranteeInput {
  /** Flat configuration, version-dependent keys already renamed to `version`'s names. */
  config: Record<string, string>;
  version: FlinkVersion;
  upgradeMode: UpgradeMode;
  /** Stability needs a completed checkpoint (explicit or defaulted). */
  requireCheckpoint: boolean;
  /** Where the stability timeout comes from, for the message. */
  timeoutSeconds: number;
  timeoutGiven: boolean;
  /** The savepoint fallback restores from the latest checkpoint. */
  checkpointFallback: boolean;
}

const configPath = (key: string): string => `spec.flinkConfiguration["${key}"]`;

function claimModeIssue(config: Record<string, string>, version: FlinkVersion): SpecIssue | undefined {
  const key = configKey(version, ConfigPurpose.ClaimMode);
  const value = config[key];
  if (value === undefined || value.trim().toUpperCase() !== 'CLAIM') return undefined;
  return {
    code: SpecIssueCode.InvalidValue,
    path: configPath(key),
    message:
      `claim mode CLAIM is refused: Flink then owns the savepoint it restores from and may delete it, and ` +
      `the automatic rollback restores the old version from that same savepoint ` +
      `(${configKeyNames(ConfigPurpose.ClaimMode).join(' / ')})`,
    hint: `Remove ${key} (the default is NO_CLAIM) or set it to NO_CLAIM.`,
  };
}

function retentionIssue(input: GuaranteeInput): SpecIssue | undefined {
  const value = input.config[checkpointRetentionKey]?.trim().toUpperCase();
  if (value !== 'DELETE_ON_CANCELLATION' && value !== 'NO_EXTERNALIZED_CHECKPOINTS') return undefined;
  const needs =
    input.upgradeMode === UpgradeMode.LastState
      ? 'upgradeMode last-state cancels the job and restores the new version from its latest checkpoint'
      : input.checkpointFallback
        ? 'the savepoint fallback (spec.flinkDeploy.savepointFallback.allowCheckpoint) cancels the job and ' +
          'restores from its latest checkpoint'
        : undefined;
  if (!needs) return undefined;
  return {
    code: SpecIssueCode.InvalidValue,
    path: configPath(checkpointRetentionKey),
    message: `checkpoint retention ${value} is refused: ${needs}, which Flink deletes on cancel with this setting`,
    hint:
      `Remove ${checkpointRetentionKey} (flink-deploy sets RETAIN_ON_CANCELLATION) or set it to ` +
      `RETAIN_ON_CANCELLATION.`,
  };
}

/**
 * The checkpoint interval's own problems, an application's or a session job's: one Flink cannot read, or one
 * under Flink's least. None when it is not set.
 */
export function checkpointIntervalIssues(config: Record<string, string>): SpecIssue[] {
  const text = config[checkpointIntervalKey];
  if (text === undefined) return [];
  const intervalMs = parseFlinkDurationMs(text);
  if (intervalMs === undefined) {
    return [
      {
        code: SpecIssueCode.InvalidValue,
        path: configPath(checkpointIntervalKey),
        message: `${checkpointIntervalKey} "${text}" is not a duration Flink reads`,
        hint: 'Use a whole number with a unit (10s, 10 s, 1min, 500ms; no unit: milliseconds) or ISO-8601 (PT10S).',
      },
    ];
  }
  if (intervalMs >= leastCheckpointIntervalMs) return [];
  return [
    {
      code: SpecIssueCode.InvalidValue,
      path: configPath(checkpointIntervalKey),
      message:
        `${checkpointIntervalKey} ${text} is under Flink's least checkpoint interval of ` +
        `${leastCheckpointIntervalMs}ms: the job would fail as it starts (0 does not turn checkpointing off)`,
      hint: `Set ${checkpointIntervalKey} to ${leastCheckpointIntervalMs}ms or more (e.g. 10s), or remove it.`,
    },
  ];
}

function intervalIssues(input: GuaranteeInput): SpecIssue[] {
  const own = checkpointIntervalIssues(input.config);
  if (own.length > 0) return own;
  const text = input.config[checkpointIntervalKey];
  const intervalMs = text === undefined ? undefined : parseFlinkDurationMs(text);
  if (intervalMs === undefined) return [];
  const timeoutMs = input.timeoutSeconds * 1000;
  if (!input.requireCheckpoint || intervalMs < timeoutMs) return [];
  const source = input.timeoutGiven
    ? 'spec.flinkDeploy.stability.timeoutSeconds'
    : 'the default of spec.flinkDeploy.stability.timeoutSeconds';
  return [
    {
      code: SpecIssueCode.InvalidValue,
      path: configPath(checkpointIntervalKey),
      message:
        `the checkpoint interval (${text}) is not shorter than the stability timeout ` +
        `(${formatDurationMs(timeoutMs)}, ${source}): a new version counts as stable only after its first ` +
        `checkpoint, so every upgrade would fail as not stable and roll back`,
      hint:
        `Set ${checkpointIntervalKey} well below ${formatDurationMs(timeoutMs)}, raise ` +
        `spec.flinkDeploy.stability.timeoutSeconds, or set spec.flinkDeploy.stability.requireCheckpoint: false.`,
    },
  ];
}

/** Every setting that breaks a guarantee, each with the reason and what to set instead. */
export function guaranteeIssues(input: GuaranteeInput): SpecIssue[] {
  return [claimModeIssue(input.config, input.version), retentionIssue(input), ...intervalIssues(input)].filter(
    (issue): issue is SpecIssue => issue !== undefined,
  );
}
