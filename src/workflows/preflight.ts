/**
 * The pre-flight of a rollout (issue 11 item 6): before the old job is stopped (upgrade) or
 * the record names a new job (every rollout), the API server dry-runs the new version's objects
 * and its ServiceAccount is checked. A refusal fails the operation with KubernetesRefused and
 * nothing torn down. Guarded by `patched()`: runs started before it replay without it.
 */
import { patched } from '@temporalio/workflow';
import type { AppSpec } from '../spec/types';
import { kube } from './activity-profiles';
import { stageSessionJob, takesSessionJobPath } from './session-job';

/** `patched()` ids of the pre-flight changes (unique across the workflows). */
export const PreflightPatch = {
  /** upgrade: the pre-flight runs before the state is secured (the old job still runs). */
  BeforeTeardown: 'preflight-before-teardown',
  /** rollout: the pre-flight runs before the record names the new job. */
  BeforeRollout: 'preflight-before-rollout',
  /** upgrade: a refusal from Kubernetes after the old job stopped rolls back like a failed version. */
  RollbackOnRefusal: 'rollback-on-refusal',
} as const;

/** Dry-runs `spec` at `generation` when the run has the `patchId` change; throws KubernetesRefused. */
export async function preflight(patchId: string, input: { spec: AppSpec; generation: number }): Promise<void> {
  if (!patched(patchId)) return;
  await kube.preflightApplication({ spec: input.spec, generation: input.generation });
  // A session job: its cluster checked and its jar staged on it, before anything is torn down.
  if (takesSessionJobPath(input.spec)) await stageSessionJob(input.spec);
}
