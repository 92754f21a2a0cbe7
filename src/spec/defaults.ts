/** Defaults applied when a manifest does not say. Documented in docs/spec.md. */

/** JobManager resources when the manifest gives none: small enough for a laptop. */
export const defaultJobManagerResources = { cpu: 0.5, memoryMiB: 768 } as const;
/** TaskManager resources when the manifest gives none. */
export const defaultTaskManagerResources = { cpu: 1, memoryMiB: 1024 } as const;
/** Stability window before a deployment counts as stable. */
export const defaultStabilityWindowSeconds = 30;
/** How long a new deployment may take to become stable. */
export const defaultStabilityTimeoutSeconds = 300;
/** Oldest checkpoint the savepoint fallback may use. */
export const defaultMaxCheckpointAgeSeconds = 600;
/** Restarts the observer may start in an hour with `onJobFailure: restart`. */
export const defaultMaxFailureRestartsPerHour = 3;
/** Namespace when metadata.namespace is absent. */
export const defaultNamespace = 'default';

/** `execution.checkpointing.interval` set for `upgradeMode: last-state` when the manifest sets none. */
export const defaultLastStateCheckpointInterval = '1min';
