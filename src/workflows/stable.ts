/** The wait for a rolled-out job to be stable, by its spec's stability options (every rollout's last step). */
import type { StableJob } from '../activities/types';
import type { AppSpec } from '../spec/types';
import { stability } from './activity-profiles';
import type { OperationContext } from './operation';

export function awaitStable(
  ctx: OperationContext,
  input: { spec: AppSpec; jobId: string; generation: number; restore?: { path: string } },
): Promise<StableJob> {
  const { spec, jobId, generation, restore } = input;
  return stability.awaitJobStable({
    app: ctx.app,
    jobId,
    generation,
    expectRestoredFrom: restore?.path,
    stability: spec.stability,
    deadline: Date.now() + spec.stability.timeoutSeconds * 1000,
  });
}
