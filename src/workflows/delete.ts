/**
 * delete: remove an application (issue 11 item 20). A final savepoint first (recorded, reported,
 * never retention's; `noSavepoint` cancels the job instead) → the Deployments and their pods →
 * the ConfigMap, Services and Flink's HA ConfigMaps → after the lock is released with success,
 * the record itself. Nothing is torn down when the savepoint fails. Once the state is secured
 * the removal runs to its end (not cancellable); every step is idempotent, so a worker crash
 * resumes it. The CLI deletes the schedule of periodic savepoints. Phases: docs/workflows.md.
 */
import { CancellationScope, uuid4, workflowInfo } from '@temporalio/workflow';
import { hexId } from '../contract/ids';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import { Phase } from '../contract/phases';
import { SavepointKind } from '../contract/savepoints';
import type { DeleteInput } from '../contract/workflow-inputs';
import { haClusterId } from '../spec/high-availability';
import { kube, record } from './activity-profiles';
import { latestSavepoint } from './decisions/latest-savepoint';
import { Patch, runOperation, type BodyResult, type OperationContext } from './operation';
import { secureOrCancelStateless, secureState } from './secure-state';
import { refuseWhileJobsRun, takesSessionClusterPath } from './session-cluster';

/** The `delete` workflow (exported under that name by ./index.ts). */
export async function deleteApplication(input: DeleteInput): Promise<OperationResult> {
  const triggerId = hexId(uuid4());
  const { app } = input;
  return runOperation(
    {
      app,
      operation: Operation.Delete,
      intent: { triggerId, noSavepoint: input.noSavepoint === true },
      // The record goes last, once the lock is released with this run's success in its history.
      afterRelease: async (result) => {
        const { workflowId } = workflowInfo();
        await CancellationScope.nonCancellable(() => record.deleteRecord({ app, workflowId }));
        return result;
      },
    },
    (ctx) => CancellationScope.nonCancellable(() => deleteBody(ctx, { triggerId, noSavepoint: input.noSavepoint })),
  );
}

async function deleteBody(
  ctx: OperationContext,
  input: { triggerId: string; noSavepoint?: boolean },
): Promise<BodyResult> {
  const { app, state } = ctx;
  const spec = state.lastAppliedSpec;
  // A session cluster with jobs on it is not deleted under them (--no-savepoint deletes it with them).
  if (takesSessionClusterPath(spec) && state.status === 'running' && !input.noSavepoint)
    await refuseWhileJobsRun(ctx, 'delete');
  let savepoint: string | undefined;
  let taken = false;
  let notTaken = '';
  if (state.jobId && state.status === 'running' && spec) {
    const { secured, notTaken: why } = await secureOrCancelStateless({
      spec,
      patchId: Patch.DeleteStatelessCancels,
      mode: input.noSavepoint ? 'stateless' : 'savepoint',
      take: (mode) =>
        secureState(ctx, { mode, jobId: state.jobId!, triggerId: input.triggerId, spec, kind: SavepointKind.Final }),
    });
    if (why !== undefined)
      notTaken = `; no final savepoint (${why}): the job is stateless (upgradeMode stateless), so it was cancelled`;
    if (secured.entry) {
      await ctx.recordChanges({ kind: 'savepoint-completed', entry: secured.entry });
      savepoint = secured.entry.location;
      taken = true;
    }
  }
  // No job ran (suspended, failed): the newest recorded savepoint is what is left of its state.
  if (!savepoint && !input.noSavepoint) savepoint = latestSavepoint(state.savepoints)?.location;
  await ctx.enterPhase(Phase.RemovingDeployments, 'removing the JobManager and TaskManager Deployments');
  await kube.removeDeployments({ app });
  await ctx.enterPhase(Phase.RemovingObjects, 'removing the ConfigMap, the Services and the HA ConfigMaps');
  // Each generation has its own HA cluster id; the rollouts removed the earlier ones' ConfigMaps.
  const clusterId = haClusterId(app.name, state.generation);
  const removed = await kube.removeApplicationObjects({ app, clusterId });
  const kept = savepoint
    ? `; ${taken ? 'final savepoint' : 'latest savepoint (no job was running)'} ${savepoint} is kept (deploy ` +
      `from it with job.initialSavepointPath)`
    : input.noSavepoint
      ? '; no savepoint taken (--no-savepoint)'
      : notTaken || '; no savepoint was ever recorded';
  return {
    result: {
      operation: Operation.Delete,
      outcome: Outcome.Succeeded,
      ...(savepoint ? { savepoint } : {}),
      message: state.exists
        ? `deleted ${app.namespace}/${app.name}: Deployments, ${removed.removed.length} other ` +
          `object(s), the HA ConfigMaps of cluster id ${clusterId} and the record${kept}`
        : // Idempotent, as a CI step wants; said as it is (a typo in the name is seen).
          `nothing to delete: ${app.namespace}/${app.name} has no deployed state (never deployed, or deleted already)` +
          (removed.removed.length ? `; removed ${removed.removed.length} object(s) left of it` : ''),
    },
  };
}
