/**
 * JobManager HA must never fight our own restores: each deploy generation has its own HA
 * cluster id, and before a new generation starts, the previous one's JobManager is gone and
 * its HA ConfigMaps are removed (a live JobManager would write its leader ConfigMap again).
 * On suspend the stopped generation's HA ConfigMaps go with its Deployments.
 */
import { jobManagerHa } from '../spec/high-availability';
import type { AppSpec } from '../spec/types';
import { kube } from './activity-profiles';
import type { OperationContext } from './operation';

const haOn = (spec: AppSpec | undefined): boolean => spec !== undefined && jobManagerHa(spec).kind !== 'none';

/** The generations from the record's (at lock time) up to the new one, at least 1. */
function generationsUpTo(ctx: OperationContext, generation: number): number[] {
  const from = Math.max(1, Math.min(ctx.state.generation, generation - 1));
  return Array.from({ length: Math.max(0, generation - from + 1) }, (_, i) => from + i);
}

/**
 * Before generation `generation` of `spec` is applied: remove the running generation's
 * Deployments (its job is already stopped or cancelled) and wait for its pods to go, then the
 * HA ConfigMaps of every generation since the record's, the new one's included (leftovers of
 * an application deleted and created again). Nothing to do for applications without HA.
 */
export async function clearHaBeforeRollout(ctx: OperationContext, spec: AppSpec, generation: number): Promise<void> {
  const { state } = ctx;
  // A rollout after another one in the same operation (a rollback after a failed upgrade).
  const rolloutBefore = generation > state.generation + 1;
  if (!rolloutBefore && !haOn(spec) && !haOn(state.lastAppliedSpec) && !haOn(state.lastStableSpec)) return;
  const generations = generationsUpTo(ctx, generation);
  const deployed = rolloutBefore || state.status === 'running' || state.status === 'failed';
  if (deployed) {
    ctx.progress.say(`removing the JobManager and TaskManagers of generation ${generation - 1} before its HA metadata`);
    await kube.removeDeployments({ app: ctx.app });
  }
  ctx.progress.say(
    `removing the HA ConfigMaps of generation${generations.length > 1 ? 's' : ''} ${generations.join(', ')}`,
  );
  await kube.removeHaMetadata({ app: ctx.app, generations });
}

/** After a suspend removed the Deployments: the stopped generation's HA ConfigMaps. */
export async function clearHaAfterSuspend(ctx: OperationContext, spec: AppSpec): Promise<void> {
  if (!haOn(spec) && !haOn(ctx.state.lastAppliedSpec)) return;
  if (ctx.state.generation < 1) return;
  ctx.progress.say(`removing the HA ConfigMaps of generation ${ctx.state.generation}`);
  await kube.removeHaMetadata({ app: ctx.app, generations: [ctx.state.generation] });
}
