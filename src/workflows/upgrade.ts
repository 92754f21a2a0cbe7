/**
 * upgrade: carry the running job over to a new spec by its upgradeMode (docs/architecture.md, "Upgrade semantics").
 * Secure the state (nothing is torn down when that fails) → roll the new spec out from it →
 * stable: record it. Not stable in time: roll back on our own to the last stable spec from
 * the SAME savepoint, and fail with UpgradeRolledBack (or RollbackFailed, never both).
 * Phases: docs/workflows.md.
 */
import { ApplicationFailure, CancellationScope, isCancellation, patched, uuid4 } from '@temporalio/workflow';
import type { AppSpec } from '../spec/types';
import { FailureType } from '../contract/failures';
import { hexId } from '../contract/ids';
import { applicationFailureOf, runOperation, type BodyResult, type OperationContext } from './operation';
import { Phase } from '../contract/phases';
import { preflight, PreflightPatch } from './preflight';
import { settledRollback } from './rollback-settles';
import { rollout } from './rollout';
import { secureState } from './secure-state';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import { SavepointKind } from '../contract/savepoints';
import type { ApplyInput } from '../contract/workflow-inputs';
import { validSpec } from './valid-input';
import { blueGreenUpgradeBody, takesGenerationPath } from './blue-green';
import { statusWords } from './decisions/status-words';

/** Failure types of the new version that trigger the automatic rollback. */
const rollbackOn: string[] = [FailureType.JobFailed, FailureType.DeploymentUnhealthy, FailureType.NotStable];

/** The upgrade workflow, started on its own (apply usually runs upgradeBody inline). */
export async function upgrade(input: ApplyInput): Promise<OperationResult> {
  validSpec(input);
  const app = { namespace: input.spec.namespace, name: input.spec.name };
  const triggerId = hexId(uuid4());
  return runOperation({ app, operation: Operation.Upgrade, intent: { triggerId } }, (ctx) =>
    upgradeBody(ctx, { spec: input.spec, triggerId }),
  );
}

export interface UpgradeBodyInput {
  spec: AppSpec;
  /** Recorded in the operation's intent before any savepoint is triggered. */
  triggerId: string;
  operation?: Operation;
}

export async function upgradeBody(ctx: OperationContext, input: UpgradeBodyInput): Promise<BodyResult> {
  const { spec, triggerId } = input;
  const operation = input.operation ?? Operation.Upgrade;
  const { state } = ctx;
  if (!state.jobId || state.status !== 'running') {
    throw ApplicationFailure.create({
      type: FailureType.NothingToDo,
      nonRetryable: true,
      message:
        `${ctx.app.namespace}/${ctx.app.name} has no running job to upgrade (${statusWords(state)}); deploy ` +
        `or resume it first`,
    });
  }
  // Pre-flight while the old job still runs: a refusal ends the upgrade with nothing torn down.
  await preflight(PreflightPatch.BeforeTeardown, { spec, generation: state.generation + 1 });
  // Blue-green: the new generation's cluster starts before the old job stops (./blue-green.ts).
  if (takesGenerationPath(spec))
    return blueGreenUpgradeBody(ctx, { spec, triggerId, operation, rollBackByRollout: rollBackAfterFailure });
  // Securing the state is not interrupted by a cancel request: a half-taken stop-with-savepoint
  // would leave the job stopped with its savepoint unrecorded.
  const jobId = state.jobId;
  const secured = await CancellationScope.nonCancellable(async () => {
    const result = await secureState(ctx, {
      mode: spec.job.upgradeMode,
      jobId,
      triggerId,
      spec,
      kind: SavepointKind.Upgrade,
    });
    if (result.entry) await ctx.recordChanges({ kind: 'savepoint-completed', entry: result.entry });
    return result;
  });
  const restore = secured.restorePath
    ? { path: secured.restorePath, allowNonRestoredState: spec.job.allowNonRestoredState }
    : undefined;
  const generation = state.generation + 1;
  if (CancellationScope.current().consideredCancelled) {
    // Cancelled while the state was secured: the old job is stopped; bring the previous version back.
    return CancellationScope.nonCancellable(() =>
      rollBackAfterFailure(ctx, { cause: 'cancelled on request', generation, restorePath: restore?.path }),
    );
  }
  try {
    const done = await rollout(ctx, {
      spec,
      generation,
      restore,
      label: 'new version',
      preflighted: true,
      rollsBack: true,
    });
    return {
      result: {
        operation,
        outcome: Outcome.Succeeded,
        jobId: done.jobId,
        savepoint: secured.entry?.location,
        restoredFrom: restore?.path,
        message:
          `${operation} done: job ${done.jobId} is stable (generation ` +
          `${generation}${restore ? `, restored from ${restore.path}` : ', stateless'})`,
      },
      finalChanges: [{ kind: 'stable', generation, jobId: done.jobId, spec }],
    };
  } catch (err) {
    if (isCancellation(err)) {
      // Cancelled while the new version was rolling out: the last stable version comes back.
      return CancellationScope.nonCancellable(() =>
        rollBackAfterFailure(ctx, {
          cause: 'cancelled on request',
          generation: generation + 1,
          restorePath: restore?.path,
        }),
      );
    }
    const failure = applicationFailureOf(err);
    if (!failure || !rollsBack(failure.type)) throw err;
    return rollBackAfterFailure(ctx, {
      cause: failure.message,
      generation: generation + 1,
      restorePath: restore?.path,
    });
  }
}

/**
 * Whether a failure of the new version rolls back. A refusal from Kubernetes after the old job
 * stopped (the pre-flight passed, the apply did not) rolls back too (patch `rollback-on-refusal`).
 */
function rollsBack(type: string | null | undefined): boolean {
  if (rollbackOn.includes(type ?? '')) return true;
  return type === FailureType.KubernetesRefused && patched(PreflightPatch.RollbackOnRefusal);
}

interface RollbackAfterFailureInput {
  cause: string;
  generation: number;
  restorePath?: string;
}

/** Automatic rollback: the last stable spec from the same savepoint, out of a cancel's reach. Always throws. */
export function rollBackAfterFailure(ctx: OperationContext, input: RollbackAfterFailureInput): Promise<never> {
  return settledRollback(() => rollBackByRecreate(ctx, input));
}

async function rollBackByRecreate(ctx: OperationContext, input: RollbackAfterFailureInput): Promise<never> {
  const stableSpec = ctx.state.lastStableSpec;
  if (!stableSpec) {
    await ctx.recordChanges({ kind: 'failed', reason: input.cause });
    throw ApplicationFailure.create({
      type: FailureType.RollbackFailed,
      nonRetryable: true,
      message:
        `upgrade failed (${input.cause}) and there is no stable spec to roll back to: the application is NOT ` +
        `running a stable version`,
    });
  }
  await ctx.enterPhase(
    Phase.RollingBack,
    `new version not stable (${input.cause}); rolling back to the last stable ` +
      `spec${input.restorePath ? ` from ${input.restorePath}` : ''}`,
  );
  const restore = input.restorePath
    ? { path: input.restorePath, allowNonRestoredState: stableSpec.job.allowNonRestoredState }
    : undefined;
  try {
    const back = await rollout(ctx, {
      spec: stableSpec,
      generation: input.generation,
      restore,
      label: 'last stable version',
    });
    await ctx.recordChanges({ kind: 'stable', generation: input.generation, jobId: back.jobId, spec: stableSpec });
    const result: OperationResult = {
      operation: Operation.Upgrade,
      outcome: Outcome.RolledBack,
      jobId: back.jobId,
      restoredFrom: restore?.path,
      message:
        `upgrade failed, rolled back: ${input.cause}; the last stable spec runs again as job ` +
        `${back.jobId}${restore ? `, restored from ${restore.path}` : ''}`,
    };
    throw ApplicationFailure.create({
      type: FailureType.UpgradeRolledBack,
      nonRetryable: true,
      message: result.message,
      details: [result],
    });
  } catch (err) {
    const failure = applicationFailureOf(err);
    if (failure?.type === FailureType.UpgradeRolledBack) throw err;
    await ctx.recordChanges({ kind: 'failed', reason: `rollback failed: ${failure?.message ?? String(err)}` });
    throw ApplicationFailure.create({
      type: FailureType.RollbackFailed,
      nonRetryable: true,
      message:
        `upgrade failed (${input.cause}) and the rollback failed too (${failure?.message ?? String(err)}): ` +
        `the application is NOT running a stable version`,
    });
  }
}
