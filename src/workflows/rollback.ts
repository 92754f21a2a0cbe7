/**
 * rollback (on request): back to the last stable spec, from a chosen savepoint or, by default,
 * a fresh savepoint of the running job (or the latest recorded one when no job runs).
 * The running job is never torn down without its state secured first.
 */
import { ApplicationFailure, CancellationScope, isCancellation, patched, uuid4 } from '@temporalio/workflow';
import { latestSavepoint } from './decisions/latest-savepoint';
import { unfinishedGeneration } from './decisions/unfinished';
import { finishUnfinished } from './finish-unfinished';
import { AppStatus } from '../contract/deployed-state';
import { savepointCheck } from './activity-profiles';
import { Phase } from '../contract/phases';
import { FailureType } from '../contract/failures';
import { hexId } from '../contract/ids';
import { runOperation, type BodyResult, type OperationContext } from './operation';
import { rollout } from './rollout';
import { runningJob } from './running-job';
import { secureState, type SecuredState } from './secure-state';
import { takesSessionClusterPath } from './session-cluster';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import { SavepointKind } from '../contract/savepoints';
import type { RollbackInput } from '../contract/workflow-inputs';
import { validApp, validSavepointPath } from './valid-input';

/**
 * `patched()` id: a rollback (to the latest state) over an operation that never finished while the record says running
 * (a rollback terminated in Deploying: its generation recorded, its JobManager never up) finishes it towards the last
 * stable spec as apply does (finish-unfinished.ts): the job of that generation runs and is that spec: verified stable;
 * runs another spec: secured, then the stable spec; does not run: the stable spec from the latest secured state.
 * Before, it waited `savepoint.failoverTimeout` to stop a job that never started and failed `SavepointFailed` (found by
 * the fault matrix's `terminate`, issue 12).
 */
export const RollbackFinishesUnfinishedPatch = 'rollback-finishes-unfinished';

export async function rollback(input: RollbackInput): Promise<OperationResult> {
  validApp(input);
  const checkSavepoint = input.toSavepoint !== undefined && patched(RollbackChecksSavepointPatch);
  if (checkSavepoint) validSavepointPath(input.toSavepoint);
  const triggerId = hexId(uuid4());
  const finishes = input.toSavepoint === undefined && patched(RollbackFinishesUnfinishedPatch);
  return runOperation(
    {
      app: input.app,
      operation: Operation.Rollback,
      intent: { triggerId, ...(input.toSavepoint ? { toSavepoint: input.toSavepoint } : {}) },
    },
    async (ctx) => {
      const { state } = ctx;
      const stable = state.lastStableSpec;
      const unfinished = state.status === AppStatus.Running && unfinishedGeneration(state);
      if (finishes && stable && !takesSessionClusterPath(stable) && unfinished) {
        const finished = await finishUnfinished(ctx, { spec: stable, triggerId });
        if (finished) return finished;
      }
      return rollbackBody(ctx, { triggerId, toSavepoint: input.toSavepoint, checkSavepoint });
    },
  );
}

export async function rollbackBody(
  ctx: OperationContext,
  input: { triggerId: string; toSavepoint?: string; checkSavepoint?: boolean },
): Promise<BodyResult> {
  const { state } = ctx;
  const spec = state.lastStableSpec;
  if (takesSessionClusterPath(spec))
    throw ApplicationFailure.create({
      type: FailureType.NothingToDo,
      nonRetryable: true,
      message:
        `${ctx.app.namespace}/${ctx.app.name} is a session cluster: it has no job of its own to roll back ` +
        '(apply the earlier manifest to redeploy the cluster)',
    });
  if (!spec) {
    throw ApplicationFailure.create({
      type: FailureType.NothingToDo,
      nonRetryable: true,
      message: `${ctx.app.namespace}/${ctx.app.name} has no stable spec recorded: nothing to roll back to`,
    });
  }
  let restorePath = input.toSavepoint;
  // A savepoint that is not there would stop the job for a restore that fails: checked before anything stops.
  if (input.toSavepoint && input.checkSavepoint) {
    ctx.progress.enter(Phase.Planning, `checking that savepoint ${input.toSavepoint} exists`);
    await savepointCheck.checkSavepoint({ path: input.toSavepoint, use: 'restore' });
  }
  // Whatever runs is secured first, whatever the record's status says (Flink is asked when it says failed).
  const jobId = await runningJob(ctx);
  let lateCancel = false;
  let secured: SecuredState | undefined;
  if (jobId) {
    const mode = spec.job.upgradeMode === 'stateless' && !input.toSavepoint ? 'stateless' : 'savepoint';
    const secure = async () => {
      const result = await secureState(ctx, {
        mode,
        jobId,
        triggerId: input.triggerId,
        spec,
        kind: SavepointKind.Upgrade,
      });
      if (result.entry) await ctx.recordChanges({ kind: 'savepoint-completed', entry: result.entry });
      return result;
    };
    // Like upgrade's: a cancel does not interrupt the stop-with-savepoint; once the job is stopped
    // the rollback goes on (something must run), and the result says the cancel came too late.
    const guarded = patched(RollbackSecuresBeforeCancelPatch);
    secured = guarded ? await CancellationScope.nonCancellable(secure) : await secure();
    lateCancel = guarded && CancellationScope.current().consideredCancelled;
    restorePath ??= secured.restorePath;
  }
  if (!restorePath && spec.job.upgradeMode !== 'stateless') restorePath = latestSavepoint(state.savepoints)?.location;
  const restore = restorePath
    ? { path: restorePath, allowNonRestoredState: spec.job.allowNonRestoredState }
    : undefined;
  const generation = state.generation + 1;
  try {
    const roll = () => rollout(ctx, { spec, generation, restore, label: 'last stable version' });
    const done = lateCancel ? await CancellationScope.nonCancellable(roll) : await roll();
    const late = lateCancel
      ? `cancel requested while job ${jobId} was being ` +
        `stopped${secured?.entry ? ` (savepoint ${secured.entry.location} recorded)` : ''}: the job had ` +
        `stopped, so the rollback was finished; `
      : '';
    return {
      result: {
        operation: Operation.Rollback,
        outcome: Outcome.Succeeded,
        jobId: done.jobId,
        savepoint: secured?.entry?.location,
        restoredFrom: restore?.path,
        message:
          `${late}rolled back to the last stable spec: job ${done.jobId} is ` +
          `stable${restore ? `, restored from ${restore.path}` : ''}`,
      },
      finalChanges: [{ kind: 'stable', generation, jobId: done.jobId, spec }],
    };
  } catch (err) {
    if (isCancellation(err)) throw err;
    await ctx.recordChanges({ kind: 'failed', reason: `rollback failed: ${String((err as Error).message)}` });
    throw ApplicationFailure.create({
      type: FailureType.RollbackFailed,
      nonRetryable: true,
      cause: err as Error,
      message: `rollback failed: the last stable spec did not become stable (${(err as Error).message})`,
    });
  }
}

/**
 * `patched()` id: a rollback to a named savepoint (`--to-savepoint`) refuses a path that is not absolute, and one
 * the worker sees missing, before it stops anything (runs started before it restore from whatever was named).
 */
export const RollbackChecksSavepointPatch = 'rollback-checks-savepoint';

/** `patched()` id: the securing step of rollback is non-cancellable, a late cancel finishes the rollback. */
export const RollbackSecuresBeforeCancelPatch = 'rollback-secures-before-cancel';
