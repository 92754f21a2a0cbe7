/**
 * Blue/green generations (`spec.flinkDeploy.upgrade.strategy: blue-green`; docs/workflows.md,
 * "Blue/green upgrade"). Each generation is a session cluster of its own (`<app>-g<N>-*`):
 * the new one starts and becomes ready while the old job runs; then the old job is stopped with
 * a savepoint (the state is secured before anything is torn down); then the job is submitted to
 * the new cluster from it, under a job id recorded first (never two RUNNING jobs: the old one is
 * stopped before the new one is submitted, and a retried submit finds our job id); `<app>-rest`
 * moves to the new generation; once stable, the old generation goes. Not stable: the new
 * generation goes first, then the last stable spec is submitted to the old cluster, still
 * standing, from the same savepoint.
 */
import { awaitStable } from './stable';
import { ApplicationFailure, CancellationScope, isCancellation, patched, uuid4 } from '@temporalio/workflow';
import { blueGreenJarId } from '../spec/blue-green';
import { UpgradeStrategy, type AppSpec } from '../spec/types';
import { kube } from './activity-profiles';
import { clusterStartSettled, clusterWait, generations, submit } from './blue-green-profiles';
import { FailureType } from '../contract/failures';
import { hexId } from '../contract/ids';
import { applicationFailureOf, type BodyResult, type OperationContext } from './operation';
import { Phase } from '../contract/phases';
import { preflight, PreflightPatch } from './preflight';
import type { RolloutInput, RolloutResult } from './rollout';
import { secureState } from './secure-state';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import { SavepointKind } from '../contract/savepoints';
import type { RecordChange } from '../contract/deployed-state';
import type { RecordWrite } from '../activities/types';

/** `patched()` id: a blue-green spec takes the generation path (rollout and upgrade). */
export const BlueGreenPatch = 'blue-green-generations';

/**
 * `patched()` id: the steps of a generation that always run together are one activity each
 * (startGeneration, submitToGeneration; removeGeneration and takeSavepoint write the record first),
 * each record write riding in the activity whose side effect it precedes: fewer Temporal actions,
 * the same calls in the same order. Runs recorded before replay the separate steps.
 */
export const BlueGreenFoldedPatch = 'blue-green-folded-steps';

/**
 * `patched()` id: the automatic rollback's removal of the new generation failing (a refusal, a wait that ran out)
 * ends the upgrade RollbackFailed with the record `failed`, as a failure of the resubmission does, instead of with
 * the removal's own error and a record still saying `running` (the old job stopped, its savepoint recorded).
 */
export const BlueGreenRemovalRollbackFailedPatch = 'blue-green-removal-rollback-failed';

/**
 * `patched()` id: a cancel while a generation's cluster starts waits for startGeneration to stop before the
 * generation is removed (before, the removal could run beside the activity still applying its objects, and the
 * cluster was left running beside the old job: found by the fault matrix's `cancel`, issue 12).
 */
export const BlueGreenStartSettlesPatch = 'blue-green-start-settles';

/**
 * `patched()` id: a blue-green rollout, or apply finishing a generation that never finished, once its job is stable,
 * removes every other generation whose pods stand, not only the record's previous one. An upgrade terminated while it
 * submitted its job to a new generation was finished by the next apply (that generation verified stable, or a third
 * one deployed): the old generation, not the record's, was left running beside it (2 JobManager pods; found by the
 * fault matrix's `terminate`, issue 12).
 */
export const BlueGreenLeftoversPatch = 'blue-green-removes-leftovers';

/** Record changes written by the activity that makes the side effect (see BlueGreenFoldedPatch). */
function recordWrite(ctx: OperationContext, ...changes: RecordChange[]): RecordWrite {
  return { workflowId: ctx.workflowId, changes };
}

/** The record change of entering `phase` (what `ctx.enterPhase` writes). */
function phaseChange(phase: Phase, details: string): RecordChange {
  return { kind: 'phase', phase, details };
}

/** True when `spec` is blue-green and this run takes the generation path (patch marker written). */
export function takesGenerationPath(spec: AppSpec): boolean {
  return spec.upgradeStrategy === UpgradeStrategy.BlueGreen && patched(BlueGreenPatch);
}

export function isBlueGreenSpec(spec: AppSpec | undefined): boolean {
  return spec?.upgradeStrategy === UpgradeStrategy.BlueGreen;
}

type Restore = { path: string; allowNonRestoredState: boolean } | undefined;

/** Failures after which nothing more can be recorded: no rollback is tried. */
const noRollbackOn: string[] = [FailureType.LockLost, FailureType.RecordDeleted];

/**
 * Generation `generation`'s cluster, started and ready (no job yet). Leftovers of an earlier
 * use of this generation number (a rolled-back upgrade) and their HA metadata go first.
 */
async function startCluster(ctx: OperationContext, spec: AppSpec, generation: number, jobId: string): Promise<void> {
  const details =
    `starting the cluster of generation ${generation} (${spec.name}-g${generation}, ${spec.taskManager.replicas} ` +
    `TaskManagers) beside the running job`;
  if (patched(BlueGreenFoldedPatch)) {
    ctx.progress.enter(Phase.StartingCluster, details);
    const start = patched(BlueGreenStartSettlesPatch) ? clusterStartSettled : clusterWait;
    await start.startGeneration({
      spec,
      generation,
      jobId,
      ready: {
        taskManagers: spec.taskManager.replicas,
        slots: spec.job.parallelism,
        jarId: blueGreenJarId(spec.job.jarURI),
        deadline: Date.now() + spec.stability.timeoutSeconds * 1000,
      },
      recordFirst: recordWrite(ctx, phaseChange(Phase.StartingCluster, details)),
    });
    return;
  }
  await ctx.enterPhase(Phase.StartingCluster, details);
  await generations.removeGeneration({ app: ctx.app, generation, blueGreen: true });
  await kube.removeHaMetadata({ app: ctx.app, generations: [generation] });
  await kube.applyApplication({ spec, generation, jobId });
  ctx.progress.say(`waiting for generation ${generation}'s JobManager, TaskManagers and the job's jar`);
  await clusterWait.awaitClusterReady({
    app: ctx.app,
    generation,
    taskManagers: spec.taskManager.replicas,
    slots: spec.job.parallelism,
    jarId: blueGreenJarId(spec.job.jarURI),
    deadline: Date.now() + spec.stability.timeoutSeconds * 1000,
  });
}

/** Record the job (the live generation), submit it, point `<app>-rest` at it, wait until stable. */
async function submitAndAwait(
  ctx: OperationContext,
  input: { spec: AppSpec; generation: number; jobId: string; restore: Restore; label: string },
): Promise<RolloutResult> {
  const { spec, generation, jobId, restore } = input;
  const deploying: RecordChange = { kind: 'deploying', generation, jobId, spec, restoredFrom: restore?.path };
  const submitting =
    `submitting the ${input.label} to generation ${generation} as job ` +
    `${jobId}${restore ? ` from ${restore.path}` : ', no restore'}`;
  const waiting =
    `waiting for job ${jobId} to be RUNNING and stable (${spec.stability.windowSeconds}s ` +
    `window${spec.stability.requireCheckpoint ? ', a completed checkpoint' : ''})`;
  const job = { app: ctx.app, generation, spec, jobId, ...(restore ? { restore } : {}) };
  let submitted: { submitted: boolean };
  if (patched(BlueGreenFoldedPatch)) {
    ctx.progress.enter(Phase.Submitting, submitting);
    submitted = await submit.submitToGeneration({
      ...job,
      recordFirst: recordWrite(ctx, deploying, phaseChange(Phase.Submitting, submitting)),
      recordWhenLive: recordWrite(ctx, phaseChange(Phase.WaitingForStable, waiting)),
    });
    ctx.progress.enter(Phase.WaitingForStable, waiting);
  } else {
    await ctx.recordChanges(deploying);
    await ctx.enterPhase(Phase.Submitting, submitting);
    submitted = await submit.submitJob(job);
    await generations.switchLiveService({ spec, generation });
    await ctx.enterPhase(Phase.WaitingForStable, waiting);
  }
  if (!submitted.submitted) ctx.progress.say(`job ${jobId} was already submitted (an earlier attempt's)`);
  const stable = await awaitStable(ctx, { spec, jobId, generation, restore });
  return { ...stable, jobId, generation };
}

/**
 * Enter `phase` and remove generation `generation`, the record written first (`first`, then the
 * phase): in removeGeneration itself (patch BlueGreenFoldedPatch), else as separate writes.
 */
async function removeGenerationAfter(
  ctx: OperationContext,
  input: { generation: number; blueGreen: boolean; phase: Phase; details: string; first?: RecordChange[] },
): Promise<void> {
  const { generation, blueGreen, phase, details } = input;
  const first = input.first ?? [];
  if (patched(BlueGreenFoldedPatch)) {
    ctx.progress.enter(phase, details);
    const recordFirst = recordWrite(ctx, ...first, phaseChange(phase, details));
    await generations.removeGeneration({ app: ctx.app, generation, blueGreen, recordFirst });
    return;
  }
  if (first.length) await ctx.recordChanges(...first);
  await ctx.enterPhase(phase, details);
  await generations.removeGeneration({ app: ctx.app, generation, blueGreen });
}

/**
 * `rollout` of a blue-green spec (deploy, resume, restart, rollback): a new generation's
 * cluster, the job submitted to it, stable; then the record's previous generation goes (its
 * job is already stopped or gone: the callers secure it first).
 */
export async function blueGreenRollout(ctx: OperationContext, input: RolloutInput): Promise<RolloutResult> {
  const { spec, generation } = input;
  if (!input.preflighted) await preflight(PreflightPatch.BeforeRollout, { spec, generation });
  const jobId = hexId(uuid4());
  await startCluster(ctx, spec, generation, jobId);
  const done = await submitAndAwait(ctx, { spec, generation, jobId, restore: input.restore, label: input.label });
  const previous = ctx.state.generation;
  if (previous > 0 && previous !== generation) {
    await removeGenerationAfter(ctx, {
      generation: previous,
      blueGreen: isBlueGreenSpec(ctx.state.lastAppliedSpec),
      phase: Phase.RemovingDeployments,
      details: `removing generation ${previous}`,
    });
  }
  await removeLeftoverGenerations(ctx, [generation, previous]);
  return done;
}

/**
 * Once the job of generation `keep[0]` is stable: every other blue-green generation whose pods stand goes (patch
 * BlueGreenLeftoversPatch). An operation that never finished (terminated) may have left one standing; one stays.
 */
export async function removeLeftoverGenerations(ctx: OperationContext, keep: number[]): Promise<void> {
  if (!patched(BlueGreenLeftoversPatch)) return;
  const standing = await generations.standingGenerations({ app: ctx.app });
  for (const left of standing.filter((g) => !keep.includes(g))) {
    await removeGenerationAfter(ctx, {
      generation: left,
      blueGreen: true,
      phase: Phase.RemovingDeployments,
      details: `removing generation ${left}, left standing by an operation that never finished`,
    });
  }
}

/** The recreate path's rollback (upgrade.ts), for an old generation that cannot take the job. */
export type RollBackByRollout = (
  ctx: OperationContext,
  input: { cause: string; generation: number; restorePath?: string },
) => Promise<never>;

export interface BlueGreenUpgradeInput {
  spec: AppSpec;
  triggerId: string;
  operation: Operation;
  rollBackByRollout: RollBackByRollout;
}

/** The blue/green upgrade (the caller checked a job runs and ran the pre-flight). */
export async function blueGreenUpgradeBody(ctx: OperationContext, input: BlueGreenUpgradeInput): Promise<BodyResult> {
  const { spec, triggerId, operation } = input;
  const { state } = ctx;
  const old = { generation: state.generation, spec: state.lastAppliedSpec, jobId: state.jobId as string };
  const generation = old.generation + 1;
  const jobId = hexId(uuid4());
  try {
    await startCluster(ctx, spec, generation, jobId);
  } catch (err) {
    // Nothing of the running job was touched: the new cluster goes, the failure stands.
    await CancellationScope.nonCancellable(() =>
      generations.removeGeneration({ app: ctx.app, generation, blueGreen: true }),
    );
    throw err;
  }
  const secured = await CancellationScope.nonCancellable(async () => {
    const result = await secureState(ctx, {
      mode: spec.job.upgradeMode,
      jobId: old.jobId,
      triggerId,
      spec,
      kind: SavepointKind.Upgrade,
      phaseWithTrigger: patched(BlueGreenFoldedPatch),
    });
    if (result.entry) await ctx.recordChanges({ kind: 'savepoint-completed', entry: result.entry });
    return result;
  });
  const restore: Restore = secured.restorePath
    ? { path: secured.restorePath, allowNonRestoredState: spec.job.allowNonRestoredState }
    : undefined;
  const back = (cause: string) =>
    CancellationScope.nonCancellable(() =>
      rollBackOntoOld(ctx, { cause, old, newGeneration: generation, restorePath: restore?.path, input }),
    );
  if (CancellationScope.current().consideredCancelled) return back('cancelled on request');
  let done: RolloutResult;
  try {
    done = await submitAndAwait(ctx, { spec, generation, jobId, restore, label: 'new version' });
  } catch (err) {
    if (isCancellation(err)) return back('cancelled on request');
    const failure = applicationFailureOf(err);
    if (failure && noRollbackOn.includes(failure.type ?? '')) throw err;
    return back(failure?.message ?? String(err));
  }
  // Stable: the record says so before the old generation goes.
  await removeGenerationAfter(ctx, {
    generation: old.generation,
    blueGreen: isBlueGreenSpec(old.spec),
    phase: Phase.RemovingDeployments,
    details: `removing generation ${old.generation} (job ${done.jobId} is stable)`,
    first: [{ kind: 'stable', generation, jobId: done.jobId, spec }],
  });
  return {
    result: {
      operation,
      outcome: Outcome.Succeeded,
      jobId: done.jobId,
      savepoint: secured.entry?.location,
      restoredFrom: restore?.path,
      message:
        `${operation} done (blue-green): job ${done.jobId} is stable on generation ${generation}` +
        `${restore ? `, restored from ${restore.path}` : ', stateless'}; generation ${old.generation} removed`,
    },
    finalChanges: [{ kind: 'stable', generation, jobId: done.jobId, spec }],
  };
}

/**
 * Automatic rollback while the old generation still stands: the new generation goes first (its
 * job, if it runs, with it), then the last stable spec is submitted to the old cluster from the
 * same savepoint. An old generation that cannot take it (not a blue-green cluster, or not
 * running the last stable spec) falls back to the recreate rollback. Always throws.
 */
async function rollBackOntoOld(
  ctx: OperationContext,
  args: {
    cause: string;
    old: { generation: number; spec?: AppSpec; jobId: string };
    newGeneration: number;
    restorePath?: string;
    input: BlueGreenUpgradeInput;
  },
): Promise<never> {
  const { old, cause, restorePath } = args;
  const stableSpec = ctx.state.lastStableSpec;
  const oldTakesIt = !!stableSpec && isBlueGreenSpec(old.spec) && ctx.state.lastStableJobId === old.jobId;
  const removeNew = removeGenerationAfter(ctx, {
    generation: args.newGeneration,
    blueGreen: true,
    phase: Phase.RollingBack,
    details:
      `new version not stable (${cause}); removing generation ${args.newGeneration}, then the last stable spec ` +
      `${oldTakesIt ? `on generation ${old.generation}, still standing` : 'as a new generation'}` +
      `${restorePath ? ` from ${restorePath}` : ''}`,
  });
  await removeNew.catch(async (err: unknown) => {
    const failure = applicationFailureOf(err);
    if (!failure || failure.type === FailureType.LockLost || !patched(BlueGreenRemovalRollbackFailedPatch)) throw err;
    await rollbackFailed(ctx, {
      cause,
      what: `removing generation ${args.newGeneration} failed (${failure.message})`,
      restorePath,
    });
  });
  if (!oldTakesIt || !stableSpec) {
    return args.input.rollBackByRollout(ctx, { cause, generation: args.newGeneration + 1, restorePath });
  }
  const restore: Restore = restorePath
    ? { path: restorePath, allowNonRestoredState: stableSpec.job.allowNonRestoredState }
    : undefined;
  try {
    const back = await submitAndAwait(ctx, {
      spec: stableSpec,
      generation: old.generation,
      jobId: hexId(uuid4()),
      restore,
      label: 'last stable version',
    });
    await ctx.recordChanges({ kind: 'stable', generation: old.generation, jobId: back.jobId, spec: stableSpec });
    const result: OperationResult = {
      operation: Operation.Upgrade,
      outcome: Outcome.RolledBack,
      jobId: back.jobId,
      restoredFrom: restore?.path,
      message:
        `upgrade failed, rolled back: ${cause}; the last stable spec runs again on generation ` +
        `${old.generation} as job ${back.jobId}${restore ? `, restored from ${restore.path}` : ''}`,
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
    const why = failure?.message ?? String(err);
    await ctx.recordChanges({ kind: 'failed', reason: `rollback failed: ${why}` });
    throw ApplicationFailure.create({
      type: FailureType.RollbackFailed,
      nonRetryable: true,
      message:
        `upgrade failed (${cause}) and the rollback onto generation ${old.generation} failed too (${why}): the ` +
        `application is NOT running a stable version`,
    });
  }
}

/**
 * The rollback could not go on (`what`): the record says `failed`, and the upgrade fails RollbackFailed naming
 * where the state is and what leads forward. Always throws.
 */
async function rollbackFailed(
  ctx: OperationContext,
  args: { cause: string; what: string; restorePath?: string },
): Promise<never> {
  await ctx.recordChanges({ kind: 'failed', reason: `rollback failed: ${args.what}` });
  const app = `${ctx.app.name} -n ${ctx.app.namespace}`;
  throw ApplicationFailure.create({
    type: FailureType.RollbackFailed,
    nonRetryable: true,
    message:
      `upgrade failed (${args.cause}) and the rollback failed too: ${args.what}; the application is NOT running ` +
      `a stable version${args.restorePath ? `; its state is in ${args.restorePath}` : ''}. Once the cause is ` +
      `fixed, run \`flink-deploy rollback ${app}\` (the last stable spec) or apply a spec again`,
  });
}
