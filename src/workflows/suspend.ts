/**
 * suspend: stop the job with a savepoint, remove the JobManager and TaskManager Deployments,
 * keep the ConfigMap, Services and the record (resume restores from that savepoint).
 */
import { ApplicationFailure, patched, uuid4 } from '@temporalio/workflow';
import type { AppSpec } from '../spec/types';
import { kube } from './activity-profiles';
import { FailureType } from '../contract/failures';
import { hexId } from '../contract/ids';
import { clearHaAfterSuspend } from './ha-metadata';
import { Patch, runOperation, type BodyResult, type OperationContext } from './operation';
import { Phase } from '../contract/phases';
import { secureState } from './secure-state';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import { SavepointKind } from '../contract/savepoints';
import type { AppOperationInput } from '../contract/workflow-inputs';

export async function suspend(input: AppOperationInput): Promise<OperationResult> {
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
  if (!state.jobId || state.status !== 'running' || !spec) {
    throw ApplicationFailure.create({
      type: FailureType.NothingToDo,
      nonRetryable: true,
      message: `${ctx.app.namespace}/${ctx.app.name} has no running job to suspend (status ${state.status})`,
    });
  }
  // A suspend always keeps the state: stateless specs are stopped with a savepoint too.
  const mode = spec.job.upgradeMode === 'stateless' ? 'savepoint' : spec.job.upgradeMode;
  const secured = await secureState(ctx, {
    mode,
    jobId: state.jobId,
    triggerId: input.triggerId,
    spec,
    kind: SavepointKind.Suspend,
  });
  if (secured.entry) await ctx.recordChanges({ kind: 'savepoint-completed', entry: secured.entry });
  await ctx.enterPhase(
    Phase.RemovingDeployments,
    'removing the JobManager and TaskManager Deployments (config and record are kept)',
  );
  await kube.removeDeployments({ app: ctx.app });
  if (patched(Patch.HaMetadataOnSuspend)) await clearHaAfterSuspend(ctx, spec);
  return {
    result: {
      operation: Operation.Suspend,
      outcome: Outcome.Succeeded,
      savepoint: secured.restorePath,
      message: `suspended: job ${state.jobId} stopped${secured.restorePath ? ` with savepoint ${secured.restorePath}` : ''}; resume restores from it`,
    },
    finalChanges: [{ kind: 'suspended', spec }],
  };
}
