/**
 * The activities of an in-place rescale (docs/workflows.md, "rescale in place"): one typed input each.
 * Workflows `import type` this module only.
 */
import type { AppRef } from '../contract/app';
import type { AppSpec } from '../spec/types';

/** Input of `scaleTaskManagers`: the TaskManager Deployment of the running generation at the spec's replicas. */
export interface ScaleTaskManagersInput {
  /** The desired spec: only its TaskManager replicas differ from what runs (the pod template is the same). */
  spec: AppSpec;
  /** The running deploy generation and job id (the objects keep theirs: no pod is replaced). */
  generation: number;
  jobId: string;
}

/** Input of `awaitTaskManagerSlots`: wait until the JobManager has that many TaskManagers and slots. */
export interface AwaitSlotsInput {
  app: AppRef;
  taskManagers: number;
  slots: number;
  /** Absolute deadline (epoch ms), so a retried wait keeps the first attempt's. */
  deadline: number;
}

/** Input of `setResourceRequirements`. */
export interface SetRequirementsInput {
  app: AppRef;
  jobId: string;
  /** The job's parallelism before and after: vertices at `from` follow to `to`. */
  from: number;
  to: number;
}

/** What `setResourceRequirements` asked for: per vertex id, the parallelism the job must run it at. */
export interface RequirementsSet {
  targets: Record<string, number>;
}

/** Input of `awaitJobParallelism`. */
export interface AwaitParallelismInput {
  app: AppRef;
  jobId: string;
  /** Per vertex id, the parallelism to run at (from `setResourceRequirements`). */
  targets: Record<string, number>;
  /** Absolute deadline (epoch ms). */
  deadline: number;
}

/** The activities of an in-place rescale. */
export interface RescaleActivities {
  scaleTaskManagers(input: ScaleTaskManagersInput): Promise<void>;
  /** The running generation's ConfigMap rendered from the rescaled spec (its parallelism.default). */
  applyRescaledConfig(input: ScaleTaskManagersInput): Promise<void>;
  awaitTaskManagerSlots(input: AwaitSlotsInput): Promise<void>;
  setResourceRequirements(input: SetRequirementsInput): Promise<RequirementsSet>;
  awaitJobParallelism(input: AwaitParallelismInput): Promise<void>;
}
