/**
 * suspend: secure the job's state (stop-with-savepoint; last-state: its newest checkpoint), remove the JobManager and
 * TaskManager Deployments, keep the ConfigMap, Services and the record (resume restores from that state).
 */
import { ApplicationFailure, CancellationScope, patched, uuid4 } from '@temporalio/workflow';
import type { AppSpec } from '../spec/types';
import { kube } from './activity-profiles';
import { FailureType } from '../contract/failures';
import { hexId } from '../contract/ids';
import { clearHaAfterSuspend } from './ha-metadata';
import { Patch, runOperation, type BodyResult, type OperationContext } from './operation';
import { Phase } from '../contract/phases';
import { secureOrCancelStateless, secureState } from './secure-state';
import { runningJob } from './running-job';
import { sessionClusterSuspendBody, takesSessionClusterPath } from './session-cluster';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import { SavepointKind } from '../contract/savepoints';
import type { AppOperationInput } from '../contract/workflow-inputs';
import { validApp } from './valid-input';
import { statusWords } from './decisions/status-words';

export async function suspend(input: AppOperationInput): Promise<OperationResult> {
  validApp(input);
  const triggerId = hexId(uuid4());
  return runOperation({ app: input.app, operation: Operation.Suspend, intent: { triggerId } }, (ctx) =>
    suspendBody(ctx, { triggerId }),
  );
}

export async function suspendBody(
  ctx: OperationContext,
  input: { triggerId: string; spec?: AppSpec },
): Promise<BodyResult> {
  const { state } = ctx;
  const spec = input.spec ?? state.lastAppliedSpec;
  if (spec && takesSessionClusterPath(spec)) return sessionClusterSuspendBody(ctx, spec);
  const jobId = spec ? await runningJob(ctx) : undefined;
  if (!jobId || !spec) {
    throw ApplicationFailure.create({
      type: FailureType.NothingToDo,
      nonRetryable: true,
      message: `${ctx.app.namespace}/${ctx.app.name} has no running job to suspend (${statusWords(state)})`,
    });
  }
  // A suspend always keeps the state: stateless specs are stopped with a savepoint too.
  const mode = spec.job.upgradeMode === 'stateless' ? 'savepoint' : spec.job.upgradeMode;
  let notTaken = '';
  const secure = async () => {
    // A stateless job resumes without state whatever was saved.
    const { secured: result, notTaken: why } = await secureOrCancelStateless({
      spec,
      patchId: Patch.SuspendStatelessCancels,
      mode,
      take: (how) =>
        secureState(ctx, { mode: how, jobId, triggerId: input.triggerId, spec, kind: SavepointKind.Suspend }),
    });
    if (why !== undefined)
      notTaken =
        `; no savepoint (${why}): the job is stateless (upgradeMode stateless), so it was cancelled ` +
        '(resume starts it without state, as it would from a savepoint)';
    if (result.entry) await ctx.recordChanges({ kind: 'savepoint-completed', entry: result.entry });
    return result;
  };
  // Like upgrade's: a cancel does not interrupt a stop-with-savepoint (the job would end FINISHED,
  // its savepoint unrecorded). Once the job is stopped, the suspend is finished: it is the only
  // state that matches, and the result says the cancel came too late.
  const guarded = patched(SuspendSecuresBeforeCancelPatch);
  const secured = guarded ? await CancellationScope.nonCancellable(secure) : await secure();
  const lateCancel = guarded && CancellationScope.current().consideredCancelled;
  const finish = async () => {
    await ctx.enterPhase(
      Phase.RemovingDeployments,
      'removing the JobManager and TaskManager Deployments (config and record are kept)',
    );
    await kube.removeDeployments({ app: ctx.app });
    if (patched(Patch.HaMetadataOnSuspend)) await clearHaAfterSuspend(ctx, spec);
  };
  if (lateCancel) await CancellationScope.nonCancellable(finish);
  else await finish();
  const saved = secured.restorePath ? ` with savepoint ${secured.restorePath}` : '';
  return {
    result: {
      operation: Operation.Suspend,
      outcome: Outcome.Succeeded,
      savepoint: secured.restorePath,
      message: lateCancel
        ? `cancel requested while job ${jobId} was being stopped${saved}: the job had stopped, so the ` +
          `suspend was finished (recorded; resume restores from it)`
        : notTaken
          ? `suspended: job ${jobId} stopped${notTaken}`
          : `suspended: job ${jobId} stopped${saved}; resume restores from it`,
    },
    finalChanges: [{ kind: 'suspended', spec }],
  };
}

/** `patched()` id: the securing step of suspend is non-cancellable, a late cancel finishes the suspend. */
export const SuspendSecuresBeforeCancelPatch = 'suspend-secures-before-cancel';
