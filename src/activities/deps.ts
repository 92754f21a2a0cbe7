/** What the activities are built from (`createActivities(deps)`): the clients, built once, and the settings. */
import type { AppRef } from '../contract/app';
import type { Settings } from '../config/settings';
import type { FlinkRestClient } from '../flink';
import type { KubeFacade } from '../k8s';

/**
 * The settings the activities read (defaults, reasons and flags: src/config/settings.ts, the
 * only source of defaults). `pollIntervalMs` paces every long wait except the savepoint's.
 */
export type ActivityConfig = Pick<
  Settings,
  | 'pollIntervalMs'
  | 'savepointPollIntervalMs'
  | 'tasksRunningTimeoutMs'
  | 'disposalTimeoutMs'
  | 'podsGoneTimeoutMs'
  | 'maxJobRestarts'
  | 'maxPodRestarts'
>;

/** The activity settings out of the loaded settings (the worker's, or `loadSettings({}, {})` in tests). */
export function activityConfigOf(settings: Settings): ActivityConfig {
  const { pollIntervalMs, savepointPollIntervalMs, tasksRunningTimeoutMs, disposalTimeoutMs } = settings;
  const { podsGoneTimeoutMs, maxJobRestarts, maxPodRestarts } = settings;
  return {
    pollIntervalMs,
    savepointPollIntervalMs,
    tasksRunningTimeoutMs,
    disposalTimeoutMs,
    podsGoneTimeoutMs,
    maxJobRestarts,
    maxPodRestarts,
  };
}

export interface ActivityDeps {
  kube: KubeFacade;
  /** A Flink REST client for the application's JobManager (endpoint resolved on each call). */
  flinkFor(app: AppRef): Promise<FlinkRestClient>;
  config: ActivityConfig;
  now?: () => Date;
}
