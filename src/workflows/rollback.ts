/**
 * rollback (on request): back to the last stable spec, from a chosen savepoint or, by default,
 * a fresh savepoint of the running job (or the latest recorded one when no job runs).
 * The running job is never torn down without its state secured first.
 */
import { ApplicationFailure, uuid4 } from '@temporalio/workflow';
import { latestSavepoint } from './decisions/latest-savepoint';
import { FailureType } from '../contract/failures';
import { hexId } from '../contract/ids';
import { runOperation, type BodyResult, type OperationContext } from './operation';
import { rollout } from './rollout';
import { secureState } from './secure-state';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import { SavepointKind } from '../contract/savepoints';
import type { RollbackInput } from '../contract/workflow-inputs';

export async function rollback(input: RollbackInput): Promise<OperationResult> {
  const triggerId = hexId(uuid4());
  return runOperation(
    {
      app: input.app,
      operation: Operation.Rollback,
      intent: { triggerId, ...(input.toSavepoint ? { toSavepoint: input.toSavepoint } : {}) },
    },
    (ctx) => rollbackBody(ctx, { triggerId, toSavepoint: input.toSavepoint }),
  );
}

export async function rollbackBody(
  ctx: OperationContext,
  input: { triggerId: string; toSavepoint?: string },
): Promise<BodyResult> {
  const { state } = ctx;
  const spec = state.lastStableSpec;
  if (!spec) {
    throw ApplicationFailure.create({
      type: FailureType.NothingToDo,
      nonRetryable: true,
      message: `${ctx.app.namespace}/${ctx.app.name} has no stable spec recorded: nothing to roll back to`,
    });
  }
  let restorePath = input.toSavepoint;
  if (state.jobId && state.status === 'running') {
    const mode = spec.job.upgradeMode === 'stateless' && !input.toSavepoint ? 'stateless' : 'savepoint';
    const secured = await secureState(ctx, {
      mode,
      jobId: state.jobId,
      triggerId: input.triggerId,
      spec,
      kind: SavepointKind.Upgrade,
    });
    if (secured.entry) await ctx.recordChanges({ kind: 'savepoint-completed', entry: secured.entry });
    restorePath ??= secured.restorePath;
  }
  if (!restorePath && spec.job.upgradeMode !== 'stateless') restorePath = latestSavepoint(state.savepoints)?.location;
  const restore = restorePath
    ? { path: restorePath, allowNonRestoredState: spec.job.allowNonRestoredState }
    : undefined;
  const generation = state.generation + 1;
  try {
    const done = await rollout(ctx, { spec, generation, restore, label: 'last stable version' });
    return {
      result: {
        operation: Operation.Rollback,
        outcome: Outcome.Succeeded,
        jobId: done.jobId,
        restoredFrom: restore?.path,
        message: `rolled back to the last stable spec: job ${done.jobId} is stable${restore ? `, restored from ${restore.path}` : ''}`,
      },
      finalChanges: [{ kind: 'stable', generation, jobId: done.jobId, spec }],
    };
  } catch (err) {
    await ctx.recordChanges({ kind: 'failed', reason: `rollback failed: ${String((err as Error).message)}` });
    throw ApplicationFailure.create({
      type: FailureType.RollbackFailed,
      nonRetryable: true,
      cause: err as Error,
      message: `rollback failed: the last stable spec did not become stable (${(err as Error).message})`,
    });
  }
}
