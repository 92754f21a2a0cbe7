/**
 * From a schema-valid manifest to an `AppSpec`: defaults, flat configuration with the key
 * names of the Flink version, resources, merged pod templates, and the checks that need
 * several fields at once (directories for the upgrade mode, stability needs checkpoints).
 */
import { ConfigPurpose, configKey, legacyConfigFileIssues, resolveVersionedKeys, sortKeys } from './flink-config';
import { parseFlinkVersion } from './flink-version';
import { blueGreenIssues } from './blue-green';
import { parallelismIssues, slotIssues } from './count-limits';
import { guaranteeIssues } from './guarantees';
import { haIssues } from './high-availability';
import { ingressIssues, normalizeIngress } from './ingress';
import { memoryIssues } from './memory-limits';
import { mainContainerName, mergePodTemplates } from './pod-template';
import { normalizeResources } from './resources';
import { savepointFormatIssues } from './savepoint-format';
import { schedulerIssues } from './scheduler';
import { stabilityLimitIssues, stabilityOrderIssues } from './stability-limits';
import { optionValueIssues } from './flink-option-values';
import { isRecord } from './yaml-documents';
import * as defaults from './defaults';
import type { FlinkDeploymentManifest } from './schema';
import {
  ImagePullPolicy,
  JobState,
  OnJobFailureAction,
  SpecIssueCode,
  UpgradeMode,
  UpgradeStrategy,
  type AppSpec,
  type ComponentSpec,
  type PodTemplate,
  type SpecIssue,
  type SpecNote,
} from './types';

/**
 * How option values Flink cannot read are refused (src/spec/scheduler.ts, flink-option-values.ts): as the
 * manifest's Flink version reads them (`by-version`, the default); as the first check did (`flink-2.3`: Flink
 * 2.3's types for every 2.x, 1.x unchecked), or not at all (`false`), for a workflow's replay of a run started
 * before.
 */
export type OptionValuesCheck = 'by-version' | 'flink-2.3' | false;

/** Input of `normalizeManifest`. */
export interface NormalizeInput {
  manifest: FlinkDeploymentManifest;
  /** flinkConfiguration flattened (owned keys already refused). */
  flatConfig: Record<string, string>;
  /** The document as parsed, kept in the spec. */
  document: Record<string, unknown>;
  /** The manifest has no `spec.job`: a session cluster (AppSpec.sessionCluster). */
  sessionCluster?: boolean;
  /** How option values Flink cannot read are refused (parse.ts, OptionValuesCheck); by version when not given. */
  optionValues?: OptionValuesCheck;
  /** Refuse what Flink or the container launch fails on (parse.ts, ValidateOptions.launchChecks); true unless false. */
  launchChecks?: boolean;
  /** The checks of parse.ts' ValidateOptions.specChecks3 (here: the stability bounds); true unless false. */
  specChecks3?: boolean;
}

/** The `job` of a session cluster's AppSpec: no job of its own, only the default parallelism. */
const sessionClusterJob: NonNullable<FlinkDeploymentManifest['spec']['job']> = { jarURI: '' };

const configPath = 'spec.flinkConfiguration';
const slotsKey = 'taskmanager.numberOfTaskSlots';
const checkpointingIntervalKey = 'execution.checkpointing.interval';

function podTemplateIssues(template: PodTemplate | undefined, path: string): SpecIssue[] {
  const spec = template?.spec;
  const containers = isRecord(spec) && Array.isArray(spec.containers) ? spec.containers : [];
  const issues: SpecIssue[] = [];
  containers.forEach((container, index) => {
    if (!isRecord(container) || container.name !== mainContainerName) return;
    for (const field of ['image', 'command', 'args'] as const) {
      if (container[field] !== undefined) {
        issues.push({
          code: SpecIssueCode.OwnedKey,
          path: `${path}.spec.containers[${index}].${field}`,
          message: `${field} of ${mainContainerName} is set by flink-deploy`,
          hint: field === 'image' ? 'Set spec.image instead.' : 'Remove it; use spec.job.args for job arguments.',
        });
      }
    }
  });
  return issues;
}

/** Java's `Integer.MAX_VALUE`: Flink reads the counts it renders (slots, default parallelism) as 32-bit integers. */
const maxFlinkInt = 2_147_483_647;

/**
 * A count from the configuration, rendered back as the whole number it is (`4.0` is 4); with the launch checks,
 * at most what Flink's 32-bit integer holds (`3000000000` would fail the JobManager as it reads it).
 */
function positiveIntFromConfig(
  config: Record<string, string>,
  key: string,
  issues: SpecIssue[],
  launchChecks: boolean,
): number | undefined {
  const text = config[key];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: `${configPath}["${key}"]`,
      message: `${key} must be an integer ≥ 1 (it is ${text})`,
      hint: `Set ${key} to 1 or more.`,
    });
    return undefined;
  }
  if (launchChecks && value > maxFlinkInt) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: `${configPath}["${key}"]`,
      message:
        `${key} is ${text}: Flink reads it as a 32-bit integer, at most ${maxFlinkInt}, and would fail as it ` +
        'reads it',
      hint: `Set ${key} from 1 to ${maxFlinkInt}.`,
    });
    return undefined;
  }
  return value;
}

function sortedRecord(record: Record<string, string> | undefined): Record<string, string> {
  return sortKeys(record ?? {});
}

/** Normalises a schema-valid manifest; issues for cross-field problems. */
export function normalizeManifest(input: NormalizeInput): { spec?: AppSpec; issues: SpecIssue[]; notes?: SpecNote[] } {
  const { manifest } = input;
  const { spec } = manifest;
  const issues: SpecIssue[] = [];
  const version = parseFlinkVersion(spec.flinkVersion) ?? { major: 2, minor: 0 };

  const resolved = resolveVersionedKeys(input.flatConfig, version, configPath);
  issues.push(...resolved.issues);
  if (version.major < 2) issues.push(...legacyConfigFileIssues(input.flatConfig, configPath));
  const config = { ...resolved.config };

  const launchChecks = input.launchChecks ?? true;
  const slots = positiveIntFromConfig(config, slotsKey, issues, launchChecks) ?? 1;
  const configuredParallelism = positiveIntFromConfig(config, 'parallelism.default', issues, launchChecks);
  const jmMemoryKey = 'jobmanager.memory.process.size';
  const tmMemoryKey = 'taskmanager.memory.process.size';
  const jmResources = normalizeResources({
    component: spec.jobManager,
    path: 'spec.jobManager',
    configuredMemory: config[jmMemoryKey],
    configKey: jmMemoryKey,
    defaults: defaults.defaultJobManagerResources,
    launchChecks,
  });
  const tmResources = normalizeResources({
    component: spec.taskManager,
    path: 'spec.taskManager',
    configuredMemory: config[tmMemoryKey],
    configKey: tmMemoryKey,
    defaults: defaults.defaultTaskManagerResources,
    launchChecks,
  });
  issues.push(...jmResources.issues, ...tmResources.issues);
  for (const [role, normalized] of [
    ['jobmanager', jmResources],
    ['taskmanager', tmResources],
  ] as const) {
    const { memoryFrom: from, memoryNumber } = normalized;
    // With the launch checks, a bare number too small for Flink is said to be bytes (a unit was meant).
    const number = launchChecks && memoryNumber !== undefined ? { number: memoryNumber } : {};
    if (from)
      issues.push(...memoryIssues({ role, memoryMiB: normalized.resources.memoryMiB, from, config, ...number }));
  }
  for (const key of [slotsKey, 'parallelism.default', jmMemoryKey, tmMemoryKey]) delete config[key];

  const job = spec.job ?? (input.sessionCluster ? sessionClusterJob : undefined);
  if (!job) return { issues };
  const explicitTmReplicas = spec.taskManager?.replicas;
  const parallelism =
    job.parallelism ?? configuredParallelism ?? (explicitTmReplicas !== undefined ? explicitTmReplicas * slots : 1);
  const upgradeMode = job.upgradeMode ?? UpgradeMode.Stateless;
  const parallelismFrom =
    job.parallelism !== undefined
      ? 'spec.job.parallelism'
      : configuredParallelism !== undefined
        ? `${configPath}["parallelism.default"]`
        : 'spec.taskManager.replicas';
  // A session cluster's parallelism is only a default for its jobs (they are checked when submitted).
  if (spec.job) {
    issues.push(...parallelismIssues({ parallelism, from: parallelismFrom, config, configPath }));
    issues.push(...slotIssues({ parallelism, from: parallelismFrom, replicas: explicitTmReplicas, slots, config }));
  }

  const savepointDirKey = configKey(version, ConfigPurpose.SavepointDir);
  const checkpointDirKey = configKey(version, ConfigPurpose.CheckpointDir);
  if (
    (upgradeMode === UpgradeMode.Savepoint || upgradeMode === UpgradeMode.LastState) &&
    config[savepointDirKey] === undefined
  ) {
    issues.push({
      code: SpecIssueCode.Required,
      path: `${configPath}["${savepointDirKey}"]`,
      message: `upgradeMode ${upgradeMode} needs a savepoint directory (${savepointDirKey})`,
      hint: `Set ${savepointDirKey} in spec.flinkConfiguration, e.g. s3://bucket/flink/savepoints.`,
    });
  }
  const notes: SpecNote[] = [];
  if (upgradeMode === UpgradeMode.LastState && config[checkpointingIntervalKey] === undefined) {
    // The Apache operator runs such a manifest (the job may enable checkpointing in its code, which wins over
    // the configuration); without any checkpoint, last-state would restore nothing.
    config[checkpointingIntervalKey] = defaults.defaultLastStateCheckpointInterval;
    notes.push({
      path: `${configPath}["${checkpointingIntervalKey}"]`,
      message:
        `upgradeMode last-state needs checkpoints: flink-deploy sets ${checkpointingIntervalKey}: ` +
        `${defaults.defaultLastStateCheckpointInterval} (a job that enables checkpointing in its code keeps its own)`,
    });
  }
  const checkpointing = config[checkpointingIntervalKey] !== undefined;
  if (upgradeMode === UpgradeMode.LastState) {
    if (config[checkpointDirKey] === undefined) {
      issues.push({
        code: SpecIssueCode.Required,
        path: `${configPath}["${checkpointDirKey}"]`,
        message: `upgradeMode last-state needs a checkpoint directory (${checkpointDirKey})`,
        hint: `Set ${checkpointDirKey} in spec.flinkConfiguration.`,
      });
    }
  }

  const extension = spec.flinkDeploy;
  const requireCheckpoint = extension?.stability?.requireCheckpoint ?? checkpointing;
  if (requireCheckpoint && !checkpointing) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: 'spec.flinkDeploy.stability.requireCheckpoint',
      message: 'requireCheckpoint is true but checkpointing is off',
      hint: 'Set execution.checkpointing.interval in spec.flinkConfiguration, or requireCheckpoint: false.',
    });
  }
  const windowSeconds = extension?.stability?.windowSeconds ?? defaults.defaultStabilityWindowSeconds;
  const timeoutSeconds = extension?.stability?.timeoutSeconds ?? defaults.defaultStabilityTimeoutSeconds;
  issues.push(...stabilityOrderIssues(extension?.stability));
  if (input.specChecks3 ?? true) issues.push(...stabilityLimitIssues(extension?.stability));
  const allowCheckpoint = extension?.savepointFallback?.allowCheckpoint ?? false;
  if (allowCheckpoint && !checkpointing) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: 'spec.flinkDeploy.savepointFallback.allowCheckpoint',
      message: 'the checkpoint fallback needs checkpointing',
      hint: 'Set execution.checkpointing.interval, or allowCheckpoint: false.',
    });
  }
  issues.push(
    ...haIssues({
      config,
      upgradeMode,
      optOut: extension?.unsafeDisableJobManagerHA,
      stateDirGiven: config[checkpointDirKey] !== undefined || config[savepointDirKey] !== undefined,
      namespace: manifest.metadata.namespace ?? defaults.defaultNamespace,
      configPath,
    }),
    ...savepointFormatIssues(config, configPath),
    ...guaranteeIssues({
      config,
      version,
      upgradeMode,
      requireCheckpoint,
      timeoutSeconds,
      timeoutGiven: extension?.stability?.timeoutSeconds !== undefined,
      checkpointFallback: allowCheckpoint,
    }),
  );

  if (extension?.maxFailureRestartsPerHour !== undefined && extension.onJobFailure !== OnJobFailureAction.Restart) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: 'spec.flinkDeploy.maxFailureRestartsPerHour',
      message: 'maxFailureRestartsPerHour limits the restarts of onJobFailure: restart, which is not set',
      hint: 'Set spec.flinkDeploy.onJobFailure: restart, or remove maxFailureRestartsPerHour.',
    });
  }
  if (extension?.onJobFailure === OnJobFailureAction.Restart && upgradeMode === UpgradeMode.Stateless) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: 'spec.flinkDeploy.onJobFailure',
      message: 'onJobFailure: restart restores from a checkpoint, which a stateless job does not use',
      hint: 'Use upgradeMode savepoint or last-state with checkpointing, or onJobFailure: alert.',
    });
  } else if (extension?.onJobFailure === OnJobFailureAction.Restart && !checkpointing) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: 'spec.flinkDeploy.onJobFailure',
      message: 'onJobFailure: restart restores from the latest checkpoint, but checkpointing is off',
      hint: 'Set execution.checkpointing.interval in spec.flinkConfiguration, or onJobFailure: alert.',
    });
  }

  const blueGreen = extension?.upgrade?.strategy === UpgradeStrategy.BlueGreen;
  if (input.sessionCluster && blueGreen)
    issues.push({
      code: SpecIssueCode.Unsupported,
      path: 'spec.flinkDeploy.upgrade.strategy',
      message: 'a session cluster has no job of its own to move to a new generation: blue-green does not apply',
      hint: 'Remove spec.flinkDeploy.upgrade (each FlinkSessionJob is upgraded on its own).',
    });
  else issues.push(...blueGreenIssues(blueGreen, job.jarURI));
  const carryJobs = extension?.upgrade?.jobs === 'carry-over';
  if (extension?.upgrade?.jobs !== undefined && !input.sessionCluster)
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: 'spec.flinkDeploy.upgrade.jobs',
      message: 'upgrade.jobs is about the FlinkSessionJobs of a session cluster; this application has spec.job',
      hint: 'Remove spec.flinkDeploy.upgrade.jobs.',
    });

  const common = spec.podTemplate as PodTemplate | undefined;
  const component = (
    role: 'jobManager' | 'taskManager',
    replicas: number,
    resources: ComponentSpec['resources'],
  ): ComponentSpec => {
    const own = spec[role]?.podTemplate as PodTemplate | undefined;
    issues.push(...podTemplateIssues(own, `spec.${role}.podTemplate`));
    const podTemplate = mergePodTemplates(common, own);
    return { replicas, resources, ...(podTemplate ? { podTemplate } : {}) };
  };
  issues.push(...podTemplateIssues(common, 'spec.podTemplate'));
  const jobManager = component('jobManager', spec.jobManager?.replicas ?? 1, jmResources.resources);
  const taskManager = {
    ...component('taskManager', explicitTmReplicas ?? Math.ceil(parallelism / slots), tmResources.resources),
    // A session cluster without a number of TaskManagers starts them as its jobs need slots.
    ...(input.sessionCluster && explicitTmReplicas === undefined ? { onDemand: true as const } : {}),
  };

  const appRef = {
    name: manifest.metadata.name,
    namespace: manifest.metadata.namespace ?? defaults.defaultNamespace,
  };
  if (spec.ingress) issues.push(...ingressIssues(spec.ingress, appRef));
  // Values Flink cannot read, of keys no check above has named already.
  const optionValues = input.optionValues ?? 'by-version';
  if (optionValues !== false) {
    const named = new Set(issues.map((issue) => issue.path));
    const values =
      optionValues === 'by-version'
        ? [...schedulerIssues(config, configPath, version), ...optionValueIssues(config, version, configPath)]
        : [
            ...schedulerIssues(config, configPath),
            ...(version.major < 2 ? [] : optionValueIssues(config, { major: 2, minor: 3 }, configPath)),
          ];
    issues.push(...values.filter((issue) => !named.has(issue.path) && named.add(issue.path)));
  }
  if (issues.length > 0) return { issues };
  const log4j = spec.logConfiguration?.['log4j-console.properties'];
  const appSpec: AppSpec = {
    name: manifest.metadata.name,
    namespace: manifest.metadata.namespace ?? defaults.defaultNamespace,
    image: spec.image,
    imagePullPolicy: spec.imagePullPolicy ?? ImagePullPolicy.IfNotPresent,
    flinkVersion: version,
    ...(spec.serviceAccount !== undefined ? { serviceAccount: spec.serviceAccount } : {}),
    labels: sortedRecord(manifest.metadata.labels),
    annotations: sortedRecord(manifest.metadata.annotations),
    flinkConfiguration: sortKeys(config),
    ...(log4j !== undefined ? { log4jConsoleProperties: log4j } : {}),
    jobManager,
    taskManager,
    slotsPerTaskManager: slots,
    job: {
      jarURI: job.jarURI,
      ...(job.entryClass !== undefined ? { entryClass: job.entryClass } : {}),
      args: job.args ?? [],
      parallelism,
      upgradeMode,
      state: job.state ?? JobState.Running,
      allowNonRestoredState: job.allowNonRestoredState ?? false,
      ...(job.initialSavepointPath !== undefined ? { initialSavepointPath: job.initialSavepointPath } : {}),
      ...(job.savepointTriggerNonce !== undefined ? { savepointTriggerNonce: job.savepointTriggerNonce } : {}),
    },
    ...(spec.restartNonce !== undefined ? { restartNonce: spec.restartNonce } : {}),
    ...(extension?.unsafeDisableJobManagerHA === true ? { unsafeDisableJobManagerHA: true } : {}),
    ...(blueGreen ? { upgradeStrategy: UpgradeStrategy.BlueGreen } : {}),
    stability: { windowSeconds, requireCheckpoint, timeoutSeconds },
    savepointFallback: {
      allowCheckpoint,
      maxCheckpointAgeSeconds:
        extension?.savepointFallback?.maxCheckpointAgeSeconds ?? defaults.defaultMaxCheckpointAgeSeconds,
    },
    ...(extension?.onJobFailure !== undefined
      ? {
          onJobFailure: {
            action: extension.onJobFailure,
            maxRestartsPerHour: extension.maxFailureRestartsPerHour ?? defaults.defaultMaxFailureRestartsPerHour,
          },
        }
      : {}),
    ...(spec.ingress ? { ingress: normalizeIngress(spec.ingress, appRef) } : {}),
    ...(input.sessionCluster ? { sessionCluster: true } : {}),
    ...(carryJobs && input.sessionCluster ? { carryJobsOnUpgrade: true } : {}),
    manifest: input.document,
  };
  return { spec: appSpec, issues, notes };
}
