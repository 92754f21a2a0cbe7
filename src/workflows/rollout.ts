/**
 * Rolling a spec out: record the deploy intent (generation, job id, restore path), apply the
 * objects, wait until the job is stable. Used by deploy, upgrade, resume and rollback.
 */
import { patched, uuid4 } from '@temporalio/workflow';
import type { AppSpec } from '../spec/types';
import type { StableJob } from '../activities/types';
import { kube, stability } from './activity-profiles';
import { clearHaBeforeRollout } from './ha-metadata';
import { hexId } from '../contract/ids';
import { Patch, type OperationContext } from './operation';
import { Phase } from '../contract/phases';

export interface RolloutInput {
  spec: AppSpec;
  generation: number;
  restore?: { path: string; allowNonRestoredState: boolean };
  /** Words for the progress line, e.g. "new version" or "last stable version". */
  label: string;
}

export interface RolloutResult extends StableJob {
  jobId: string;
  generation: number;
}

/** Rolls `input.spec` out; throws the stability failure (JobFailed, DeploymentUnhealthy, NotStable). */
export async function rollout(ctx: OperationContext, input: RolloutInput): Promise<RolloutResult> {
  const { spec, generation, restore } = input;
  const jobId = hexId(uuid4());
  await ctx.recordChanges({ kind: 'deploying', generation, jobId, spec, restoredFrom: restore?.path });
  await ctx.enterPhase(
    Phase.Deploying,
    `applying the ${input.label} (generation ${generation}, job ${jobId}${restore ? `, from ${restore.path}` : ', no restore'})`,
  );
  if (patched(Patch.HaMetadataBeforeRollout)) {
    await clearHaBeforeRollout(ctx, spec, generation);
    ctx.progress.say(`applying the ${input.label} (generation ${generation}, job ${jobId})`);
  }
  await kube.applyApplication({ spec, generation, jobId, restore });
  await ctx.enterPhase(
    Phase.WaitingForStable,
    `waiting for job ${jobId} to be RUNNING and stable (${spec.stability.windowSeconds}s window${spec.stability.requireCheckpoint ? ', a completed checkpoint' : ''})`,
  );
  const stable = await stability.awaitJobStable({
    app: ctx.app,
    jobId,
    expectRestoredFrom: restore?.path,
    stability: spec.stability,
    deadline: Date.now() + spec.stability.timeoutSeconds * 1000,
  });
  return { ...stable, jobId, generation };
}
