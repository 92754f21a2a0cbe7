/** What the activities are built from (`createActivities(deps)`): the clients, built once, and the settings. */
import type { AppRef } from '../contract/app';
import type { Settings } from '../config/settings';
import type { FlinkRestClient } from '../flink';
import type { KubeFacade } from '../k8s';
import type { RunLookup } from '../contract/run-state';
import type { OperationMetrics } from './metrics';

/**
 * The settings the activities read (defaults, reasons and flags: src/config/settings.ts, the
 * only source of defaults). `pollIntervalMs` paces every long wait except the savepoint's.
 */
export type ActivityConfig = Pick<
  Settings,
  | 'pollIntervalMs'
  | 'savepointPollIntervalMs'
  | 'tasksRunningTimeoutMs'
  | 'savepointFailoverTimeoutMs'
  | 'savepointFailoverAttempts'
  | 'disposalTimeoutMs'
  | 'podsGoneTimeoutMs'
  | 'maxJobRestarts'
  | 'maxPodRestarts'
  | 'recordMaxSavepoints'
  | 'sessionJarSchemes'
  | 'sessionJarMaxMiB'
  | 'sessionJarS3Endpoint'
  | 'sessionJarMirrors'
>;

/** The activity settings out of the loaded settings (the worker's, or `loadSettings({}, {})` in tests). */
export function activityConfigOf(settings: Settings): ActivityConfig {
  const { pollIntervalMs, savepointPollIntervalMs, tasksRunningTimeoutMs, disposalTimeoutMs } = settings;
  const { savepointFailoverTimeoutMs, podsGoneTimeoutMs, maxJobRestarts, maxPodRestarts, recordMaxSavepoints } =
    settings;
  const { savepointFailoverAttempts } = settings;
  const { sessionJarSchemes, sessionJarMaxMiB, sessionJarS3Endpoint, sessionJarMirrors } = settings;
  return {
    pollIntervalMs,
    savepointPollIntervalMs,
    tasksRunningTimeoutMs,
    savepointFailoverTimeoutMs,
    savepointFailoverAttempts,
    disposalTimeoutMs,
    podsGoneTimeoutMs,
    maxJobRestarts,
    maxPodRestarts,
    recordMaxSavepoints,
    sessionJarSchemes,
    sessionJarMaxMiB,
    sessionJarS3Endpoint,
    sessionJarMirrors,
  };
}

export interface ActivityDeps {
  kube: KubeFacade;
  /** A Flink REST client for the application's JobManager (endpoint resolved on each call). */
  flinkFor(app: AppRef): Promise<FlinkRestClient>;
  config: ActivityConfig;
  /**
   * Temporal, asked whether a lock's holder run is still open (wired by the worker). Unset: a
   * held lock is never released on the holder's behalf (only `flink-deploy unlock` does).
   */
  runs?: RunLookup;
  /** Where operations, savepoints and downtime are measured (the worker's meter). Unset: nowhere. */
  metrics?: OperationMetrics;
  now?: () => Date;
}
