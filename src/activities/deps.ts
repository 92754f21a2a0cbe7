/** What the activities are built from (`createActivities(deps)`): the clients, built once. */
import type { FlinkRestClient } from '../flink';
import type { KubeFacade } from '../k8s';
import type { AppRef } from '../contract/app';

export interface ActivityConfig {
  /** How often long waits poll Flink and Kubernetes. @default 1000 */
  pollIntervalMs: number;
  /**
   * How often a savepoint's status is polled: its completion starts the upgrade's downtime
   * clock for the rest of the rollout, so it is watched closely (one cheap GET). @default 200
   */
  savepointPollIntervalMs: number;
  /** Restarts of a new job that count as "failing" during the stability wait. @default 3 */
  maxRestartsWhileStabilising: number;
  /** Container restarts of a pod that count as a crash loop. @default 3 */
  maxPodRestarts: number;
}

export const defaultActivityConfig: ActivityConfig = {
  pollIntervalMs: 1000,
  savepointPollIntervalMs: 200,
  maxRestartsWhileStabilising: 3,
  maxPodRestarts: 3,
};

export interface ActivityDeps {
  kube: KubeFacade;
  /** A Flink REST client for the application's JobManager (endpoint resolved on each call). */
  flinkFor(app: AppRef): Promise<FlinkRestClient>;
  config: Partial<ActivityConfig>;
  now?: () => Date;
}

/** The deps with every config value resolved (what each activity group gets). */
export type ResolvedDeps = ActivityDeps & { config: ActivityConfig };
