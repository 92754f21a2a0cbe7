/**
 * Rolling a spec out: record the deploy intent (generation, job id, restore path), apply the
 * objects, wait until the job is stable. Used by deploy, upgrade, resume and rollback.
 */
import { awaitStable } from './stable';
import { CancellationScope, patched, uuid4 } from '@temporalio/workflow';
import type { AppSpec } from '../spec/types';
import type { StableJob } from '../activities/types';
import { kube } from './activity-profiles';
import { clearHaBeforeRollout } from './ha-metadata';
import { hexId } from '../contract/ids';
import { Patch, type OperationContext } from './operation';
import { Phase } from '../contract/phases';
import { preflight, PreflightPatch } from './preflight';
import { blueGreenRollout, takesGenerationPath } from './blue-green';
import { sessionJobRollout, takesSessionJobPath } from './session-job';

export interface RolloutInput {
  spec: AppSpec;
  generation: number;
  restore?: { path: string; allowNonRestoredState: boolean };
  /** Words for the progress line, e.g. "new version" or "last stable version". */
  label: string;
  /** The caller already ran the pre-flight of this spec (upgrade: before the old job stopped). */
  preflighted?: boolean;
  /**
   * The caller rolls back when this rollout is not stable or is cancelled (an upgrade): a session job's job, on a
   * cluster it shares, is cancelled first (./session-job.ts), as replacing an application's JobManager ends its job.
   */
  rollsBack?: boolean;
}

export interface RolloutResult extends StableJob {
  jobId: string;
  generation: number;
}

/** Rolls `input.spec` out; throws the stability failure (JobFailed, DeploymentUnhealthy, NotStable). */
export async function rollout(ctx: OperationContext, input: RolloutInput): Promise<RolloutResult> {
  // A session job: submitted to its session cluster through REST (./session-job.ts).
  if (takesSessionJobPath(input.spec)) return sessionJobRollout(ctx, input);
  // Blue-green: a generation of its own, the job submitted to it (./blue-green.ts).
  if (takesGenerationPath(input.spec)) return blueGreenRollout(ctx, input);
  const { spec, generation, restore } = input;
  // A refused object fails here, before the record names a job whose objects never applied.
  if (!input.preflighted) await preflight(PreflightPatch.BeforeRollout, { spec, generation });
  const jobId = hexId(uuid4());
  await ctx.recordChanges({ kind: 'deploying', generation, jobId, spec, restoredFrom: restore?.path });
  await ctx.enterPhase(
    Phase.Deploying,
    `applying the ${input.label} (generation ${generation}, job ` +
      `${jobId}${restore ? `, from ${restore.path}` : ', no restore'})`,
  );
  if (patched(Patch.HaMetadataBeforeRollout)) {
    await clearHaBeforeRollout(ctx, spec, generation);
    ctx.progress.say(`applying the ${input.label} (generation ${generation}, job ${jobId})`);
  }
  const apply = () => kube.applyApplication({ spec, generation, jobId, restore });
  // A cancel during Deploying lets this apply settle first (patch): else the abandoned apply could
  // land after the rollback's own apply of the objects (issue 11 item 14).
  await (patched(Patch.ApplySettles) ? CancellationScope.nonCancellable(apply) : apply());
  await ctx.enterPhase(
    Phase.WaitingForStable,
    `waiting for job ${jobId} to be RUNNING and stable (${spec.stability.windowSeconds}s ` +
      `window${spec.stability.requireCheckpoint ? ', a completed checkpoint' : ''})`,
  );
  const stable = await awaitStable(ctx, { spec, jobId, generation, restore });
  return { ...stable, jobId, generation };
}
