/**
 * The Flink configuration file in the ConfigMap: the user's flat configuration plus what
 * flink-deploy forces (docs/architecture.md), as `config.yaml` (Flink 2.x, standard YAML, flat dotted
 * keys) or `flink-conf.yaml` (Flink 1.x, `key: value` lines).
 */
import { stringify } from 'yaml';
import { forcedConfig, type AppSpec } from '../../spec';
import { haConfiguration } from './high-availability';
import { FlinkPort, objectNames } from './names';

/** `rest.async.store-duration` when the spec does not say: savepoint trigger results outlive a worker restart. */
export const defaultAsyncStoreDuration = '1h';

/**
 * Completed checkpoints outlive a cancelled job unless the spec says otherwise: a last-state
 * upgrade (or the savepoint fallback) cancels the job and then restores from its latest
 * checkpoint, which Flink's default (NO_EXTERNALIZED_CHECKPOINTS) deletes on cancel. A default,
 * not a per-mode setting: the upgrade's mode is the NEW spec's, the job cancelled is the old one.
 */
export const checkpointRetentionKey = 'execution.checkpointing.externalized-checkpoint-retention';

/**
 * The complete flat Flink configuration of the application's processes in deploy generation
 * `generation` (JobManager HA uses a cluster id per generation), keys sorted.
 */
export function effectiveFlinkConfiguration(spec: AppSpec, generation: number): Record<string, string> {
  const names = objectNames(spec.name);
  const config: Record<string, string> = {
    'rest.async.store-duration': defaultAsyncStoreDuration,
    [checkpointRetentionKey]: 'RETAIN_ON_CANCELLATION',
    ...spec.flinkConfiguration,
    ...haConfiguration(spec, generation),
    ...forcedConfig,
    'jobmanager.rpc.address': names.rpcService,
    'jobmanager.rpc.port': String(FlinkPort.Rpc),
    'blob.server.port': String(FlinkPort.Blob),
    'rest.port': String(FlinkPort.Rest),
    'jobmanager.bind-host': '0.0.0.0',
    'taskmanager.bind-host': '0.0.0.0',
    'rest.bind-address': '0.0.0.0',
    'jobmanager.memory.process.size': `${spec.jobManager.resources.memoryMiB}m`,
    'taskmanager.memory.process.size': `${spec.taskManager.resources.memoryMiB}m`,
    'taskmanager.numberOfTaskSlots': String(spec.slotsPerTaskManager),
    'parallelism.default': String(spec.job.parallelism),
  };
  return Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The configuration file name Flink reads in `spec.flinkVersion`. */
export function configFileName(spec: AppSpec): 'config.yaml' | 'flink-conf.yaml' {
  return spec.flinkVersion.major >= 2 ? 'config.yaml' : 'flink-conf.yaml';
}

/** The configuration file's text for `spec.flinkVersion`. */
export function renderConfigFile(spec: AppSpec, config: Record<string, string>): string {
  const header = '# Rendered by flink-deploy; edit the FlinkDeployment manifest instead.\n';
  if (spec.flinkVersion.major >= 2) return header + stringify(config, { lineWidth: 0 });
  return (
    header +
    Object.entries(config)
      .map(([key, value]) => `${key}: ${value}`)
      .join('\n') +
    '\n'
  );
}
