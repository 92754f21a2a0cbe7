/**
 * apply over an operation that never finished (docs/recovery.md): from `failed`, or a generation
 * never marked stable, there is always a next step, and the result says which one was taken.
 * - The job of that generation runs and the spec is the one it runs: finish the operation (wait
 *   for it to be stable, then record it stable); not stable: undo it (roll back to the last
 *   stable spec, securing the running job first; a job that FAILED meanwhile is not secured: the
 *   last stable spec comes back from the state it was restored from).
 * - The job runs and the spec differs: an upgrade, which secures the running job first.
 * - The job does not run (FAILED, gone): deploy the spec from the latest secured state
 *   (savepoint or recorded checkpoint, as the mode allows), or fresh with `fromScratch`.
 * A stable generation after an operation that did not end its work once it had stopped the job (a
 * delete or suspend closed removing the Deployments): only the last case; a job Flink runs is left
 * to the diff. After one closed while it stopped the job (an upgrade or suspend in Savepointing or
 * Cancelling): the same, for a job Flink says ended, from the newest of the recorded savepoint and
 * the checkpoint Flink names for that job since it ended; for a job Flink does not know (asked again for a minute),
 * from the savepoint that operation recorded of it or the state the manifest names, else refused (StateUnknown).
 */
import { ApplicationFailure, patched, sleep } from '@temporalio/workflow';
import { AppStatus } from '../contract/deployed-state';
import { FailureType, stateUnknownReason } from '../contract/failures';
import { Operation, Outcome } from '../contract/operations';
import { Phase } from '../contract/phases';
import { canonicalJson } from '../spec/hash';
import { ConfigPurpose, configKeyNames } from '../spec/flink-config';
import type { AppSpec } from '../spec/types';
import { savepointKindOf, type SavepointEntry } from '../contract/savepoints';
import { savepointPathKey } from '../contract/savepoint-paths';
import type { JobStateAnswer } from '../activities/types';
import { checkpointEntry } from './secure-state';
import { flink, flinkLook, stability } from './activity-profiles';
import { latestSavepoint } from './decisions/latest-savepoint';
import { unfinishedGeneration, unfinishedOperation } from './decisions/unfinished';
import { applicationFailureOf, type BodyResult, type OperationContext } from './operation';
import { rollbackBody } from './rollback';
import { rollout } from './rollout';
import { rollBackAfterFailure, upgradeBody } from './upgrade';
import { isBlueGreenSpec, removeLeftoverGenerations } from './blue-green';

/** `patched()` id: apply finishes or undoes an operation that never finished, instead of diffing. */
export const FinishUnfinishedPatch = 'apply-finishes-unfinished';

/**
 * `patched()` id: apply over a record that says a job runs, after an operation that did not end its work (closed
 * holding the lock, failed, cancelled) once it had stopped the job (decisions/unfinished.ts), asks Flink first; a
 * job that no longer runs is deployed from the latest secured state instead of "nothing changed". Found by the fault
 * matrix (issue 12): a delete terminated in RemovingObjects (its final savepoint taken, the Deployments removed, the
 * record left `running`), the manifest applied again answered "nothing changed" with no job running.
 */
export const FinishAfterUnfinishedOperationPatch = 'apply-after-unfinished-operation';

/**
 * `patched()` id: the same after an operation closed while it stopped the job (an upgrade or suspend in Savepointing,
 * ReadingCheckpoint or Cancelling): a job Flink says ended (FINISHED, CANCELED, FAILED) is deployed from the newest
 * state it left (the recorded savepoint, or its latest checkpoint Flink names, recorded first) instead of "nothing
 * changed". Left by issue 12's twentieth session: a suspend terminated in Savepointing, its job FINISHED, the
 * manifest applied again answered "nothing changed" with no job running.
 */
export const FinishAfterStoppingOperationPatch = 'apply-after-stopping-operation';

/**
 * `patched()` id: that state read with the savepoint Flink names for the ended job (stateLeft, one activity for both),
 * not the latest checkpoint alone. A suspend closed in Savepointing whose stop Flink completed and whose trigger Flink
 * no longer remembers (`rest.async.store-duration`, a JobManager that took over) was restored from the checkpoint
 * before that savepoint, the savepoint left on disk in no list. Left by issue 12's twenty-first session.
 */
export const StoppedJobSavepointPatch = 'apply-after-stopping-reads-savepoint';

/**
 * `patched()` id: after an operation closed while it stopped the job, a job Flink does not know (NOT_FOUND: a
 * JobManager that restarted after the job ended, its statistics and the stop's trigger gone with it) is asked again
 * for a bounded time (a JobManager recovering a running job answers once it has); still unknown, it is deployed from
 * the savepoint that operation recorded of it, or from the state the manifest now names
 * (`spec.job.initialSavepointPath` changed, here and in the apply after the refusal) or fresh with `fromScratch`;
 * with none of these the apply fails, the record `failed` with the choices, nothing changed. Before, it went to the
 * diff: "nothing changed" with no job running, and no command led on.
 */
export const UnknownJobAfterStoppingPatch = 'apply-after-stopping-job-unknown';

/** How long apply asks again, every {@link ASK_AGAIN_SECONDS}, of a job Flink does not know after a stopping one. */
export const UNKNOWN_JOB_WAIT_SECONDS = 60;
const ASK_AGAIN_SECONDS = 5;

/**
 * `patched()` id: the spec redeployed over an operation that never finished, not stable, brings the last stable spec
 * back from the same state (an automatic rollback) instead of leaving its failed job with the record `failed`. Found
 * by the fault matrix's `terminate` (issue 12): an automatic rollback terminated while it rolled back, the failing
 * version applied again, was left FAILED.
 */
export const UnfinishedRollsBackPatch = 'unfinished-deploy-rolls-back';

/**
 * `patched()` id: the job of an operation that never finished, FAILED while apply waited for it to be stable, is not
 * secured (Flink takes no savepoint of a FAILED job): the last stable spec comes back from the state that job was
 * restored from, as the automatic rollback of an upgrade does. Before, the undo asked Flink to stop it with a
 * savepoint and the apply ended `failed` with that job FAILED (found by the fault matrix's `terminate`,
 * `rollback-auto/WaitingForStable/terminate`: the failing version applied again over its terminated upgrade).
 */
export const UnfinishedFailedRollsBackPatch = 'unfinished-failed-rolls-back';

export interface FinishInput {
  spec: AppSpec;
  triggerId: string;
  /** Deploy fresh, not from the latest secured state, when the job does not run. */
  fromScratch?: boolean;
}

/** What Flink says of a job that does not run and will not again by itself (or does not know it). */
const ended: string[] = ['FINISHED', 'CANCELED', 'FAILED', 'NOT_FOUND'];
/** A job Flink says ended and still knows: its checkpoints can be read. */
const endedKnown: string[] = ['FINISHED', 'CANCELED', 'FAILED'];

/** Failure types of a stability wait that mean "not stable" (undo it), not "could not look". */
const notStable: string[] = [FailureType.JobFailed, FailureType.DeploymentUnhealthy, FailureType.NotStable];

/** The body apply runs instead of diffing; undefined when the record shows nothing unfinished. */
export async function finishUnfinished(ctx: OperationContext, input: FinishInput): Promise<BodyResult | undefined> {
  const { state, app } = ctx;
  const generationLeft = unfinishedGeneration(state);
  const operationLeft = generationLeft ? undefined : unfinishedOperation(state);
  if (!generationLeft && !operationLeft) return undefined;
  const { spec } = input;
  const last = state.lastOperation;
  const what =
    state.status === AppStatus.Failed
      ? `status failed${state.jobId ? `, job ${state.jobId}` : ''}`
      : generationLeft || !last
        ? `generation ${state.generation} (job ${state.jobId}) was never verified stable`
        : `its ${last.type} ended ${last.outcome} in phase ${last.phase}`;
  let look: JobStateAnswer = state.jobId ? await flinkLook.jobState({ app, jobId: state.jobId }) : { state: 'NONE' };
  const unknown =
    operationLeft === 'stopping' && look.state === 'NOT_FOUND' && patched(UnknownJobAfterStoppingPatch)
      ? (look = await askUntilKnown(ctx, state.jobId!)).state === 'NOT_FOUND'
      : false;
  // The generation was stable and its job stopped: only one Flink no longer runs (or whose removed JobManager cannot
  // answer) is left; one Flink runs (the run closed before it stopped the job after all) goes to the diff. Closed
  // while it stopped the job: only one Flink says ended, or still does not know once asked again; one it does not
  // answer for may run (its state unsecured).
  const gone =
    operationLeft === 'stopping'
      ? endedKnown.includes(look.state) || unknown
      : ended.includes(look.state) || look.state === 'UNREACHABLE';
  if (!generationLeft && !gone) return undefined;
  ctx.progress.enter(
    Phase.Planning,
    `the last operation never finished (${what}); Flink says the job is ` +
      `${look.state}${'reason' in look && look.reason ? ` (${look.reason})` : ''}`,
  );
  const running = look.state === 'RUNNING' && state.jobId ? state.jobId : undefined;
  const runningCtx: OperationContext = { ...ctx, state: { ...state, status: AppStatus.Running } };

  if (running && canonicalJson(spec) === canonicalJson(state.lastAppliedSpec)) {
    await ctx.enterPhase(
      Phase.WaitingForStable,
      `finishing the interrupted operation: waiting for job ${running} to be RUNNING and stable`,
    );
    try {
      await stability.awaitJobStable({
        app,
        jobId: running,
        expectRestoredFrom: state.restoredFrom,
        stability: spec.stability,
        deadline: Date.now() + spec.stability.timeoutSeconds * 1000,
      });
    } catch (err) {
      const failure = applicationFailureOf(err);
      if (!failure || !notStable.includes(failure.type ?? '')) throw err;
      if (!state.lastStableSpec) {
        await ctx.recordChanges({ kind: 'failed', reason: failure.message });
        throw ApplicationFailure.create({
          type: failure.type ?? FailureType.NotStable,
          nonRetryable: true,
          message:
            `the interrupted deploy is not stable (${failure.message}) and there is no stable spec to undo ` +
            `it to: fix the spec and apply it (from the latest secured state, or --from-scratch)`,
        });
      }
      if (failure.type === FailureType.JobFailed && patched(UnfinishedFailedRollsBackPatch)) {
        return rollBackAfterFailure(ctx, {
          cause: `the interrupted operation's ${failure.message}`,
          generation: state.generation + 1,
          restorePath: state.restoredFrom,
        });
      }
      ctx.progress.setOperation(Operation.Rollback);
      const undone = await rollbackBody(runningCtx, { triggerId: input.triggerId });
      return {
        ...undone,
        result: {
          ...undone.result,
          message:
            `undid the interrupted operation (job ${running} not stable: ${failure.message}): ` +
            `${undone.result.message}`,
        },
      };
    }
    // A blue-green generation finished: the one it replaces (its job stopped before the submit) goes.
    if (isBlueGreenSpec(spec)) await removeLeftoverGenerations(ctx, [state.generation]);
    return {
      result: {
        operation: Operation.Apply,
        outcome: Outcome.Succeeded,
        jobId: running,
        restoredFrom: state.restoredFrom,
        message:
          `finished the interrupted operation: job ${running} (generation ${state.generation}) is now ` +
          `verified stable and recorded`,
      },
      finalChanges: [{ kind: 'stable', generation: state.generation, jobId: running, spec }],
    };
  }

  if (running) {
    ctx.progress.setOperation(Operation.Upgrade);
    const upgraded = await upgradeBody(runningCtx, { spec, triggerId: input.triggerId });
    return {
      ...upgraded,
      result: {
        ...upgraded.result,
        message:
          `the last operation never finished; job ${running} runs, so it was upgraded from its secured ` +
          `state: ${upgraded.result.message}`,
      },
    };
  }

  const stateless = input.fromScratch || spec.job.upgradeMode === 'stateless';
  // The state the manifest now names: the user's choice where the record cannot tell (this apply's unknown job, or
  // the one an apply before refused for it; see stateOfUnknownJob). Elsewhere the path is the first deploy's only.
  const refusedUnknown =
    state.status === AppStatus.Failed &&
    !!state.jobId &&
    !!state.failureReason?.startsWith(stateUnknownReason(state.jobId));
  const chosen =
    stateless || !(unknown || refusedUnknown) || !patched(UnknownJobAfterStoppingPatch)
      ? undefined
      : chosenRestore(ctx, spec);
  const from =
    stateless || chosen
      ? undefined
      : unknown
        ? await stateOfUnknownJob(ctx, state.jobId!, what)
        : operationLeft === 'stopping' && state.jobId
          ? await stateLeftBy(ctx, state.jobId, look.state)
          : latestSavepoint(state.savepoints);
  const path = chosen ?? from?.location ?? (input.fromScratch ? undefined : spec.job.initialSavepointPath);
  const restore = path ? { path, allowNonRestoredState: spec.job.allowNonRestoredState } : undefined;
  const generation = state.generation + 1;
  ctx.progress.setOperation(Operation.Deploy);
  let done;
  try {
    done = await rollout(ctx, { spec, generation, restore, label: 'spec (the last operation never finished)' });
  } catch (err) {
    const failure = applicationFailureOf(err);
    if (failure && notStable.includes(failure.type ?? '')) {
      // A stable spec other than this one is known: it comes back from the same state, as an upgrade's would.
      const stable = state.lastStableSpec;
      if (stable && canonicalJson(stable) !== canonicalJson(spec) && patched(UnfinishedRollsBackPatch)) {
        return rollBackAfterFailure(ctx, { cause: failure.message, generation: generation + 1, restorePath: path });
      }
      await ctx.recordChanges({ kind: 'failed', reason: failure.message });
    }
    throw err;
  }
  const source = restore
    ? `from the latest secured state ${restore.path}`
    : input.fromScratch
      ? 'from scratch (--from-scratch: no state restored)'
      : 'fresh (no secured state recorded)';
  return {
    result: {
      operation: Operation.Deploy,
      outcome: Outcome.Succeeded,
      jobId: done.jobId,
      restoredFrom: restore?.path,
      message:
        `the last operation never finished (${what}; Flink: ${look.state}): deployed ${source}; job ` +
        `${done.jobId} is stable (generation ${generation})`,
    },
    finalChanges: [{ kind: 'stable', generation, jobId: done.jobId, spec }],
  };
}

/**
 * The newest state a job stopped by a closed operation left: the recorded savepoint (the lock's takeover records the
 * one Flink took for that run's trigger), the savepoint Flink names for the ended job (that stop's, where the
 * takeover could not ask Flink for its trigger: forgotten after `rest.async.store-duration`), or the latest checkpoint
 * Flink names for the job since it ended (a last-state upgrade's cancel, the checkpoint fallback's; never of a FINISHED
 * job: Flink deleted them when it finished). One Flink named and the record does not hold is recorded first when it
 * is the newest. Flink naming none: the recorded one.
 */
async function stateLeftBy(
  ctx: OperationContext,
  jobId: string,
  jobState: string,
): Promise<SavepointEntry | undefined> {
  const recorded = latestSavepoint(ctx.state.savepoints);
  const noneNamed = (err: unknown) => {
    if (applicationFailureOf(err)?.type === FailureType.NoCheckpoint) return null;
    throw err;
  };
  let named: SavepointEntry | undefined;
  if (patched(StoppedJobSavepointPatch)) {
    const left = await flink.stateLeft({ app: ctx.app, jobId }).catch(noneNamed);
    const savepoint = left?.savepoint;
    // Flink discards the checkpoints of a FINISHED job, whatever their retention (kept on cancel or failure only).
    const checkpoint = jobState === 'FINISHED' ? null : left?.checkpoint;
    if (savepoint && (!checkpoint || savepoint.id > checkpoint.id)) {
      const known = ctx.state.savepoints.some(
        (s) => savepointPathKey(s.location) === savepointPathKey(savepoint.location),
      );
      // Already in the record (the takeover's, a savepoint taken while it ran): the recorded newest stands for it.
      if (known) return recorded;
      const kind = savepointKindOf(ctx.app, ctx.state.lastOperation ?? { type: '' });
      named = { ...checkpointEntry(savepoint, jobId), kind };
    } else if (checkpoint) named = checkpointEntry(checkpoint, jobId);
  } else {
    const checkpoint = await flink.latestCheckpoint({ app: ctx.app, jobId }).catch(noneNamed);
    if (checkpoint) named = checkpointEntry(checkpoint, jobId);
  }
  if (!named || (recorded && Date.parse(recorded.time) >= Date.parse(named.time))) return recorded;
  await ctx.recordChanges({ kind: 'savepoint-completed', entry: named });
  return named;
}

/** Flink's answer once it knows the job, or NOT_FOUND after {@link UNKNOWN_JOB_WAIT_SECONDS}. */
async function askUntilKnown(ctx: OperationContext, jobId: string): Promise<JobStateAnswer> {
  ctx.progress.say(
    `Flink does not know job ${jobId}; asking again for up to ${UNKNOWN_JOB_WAIT_SECONDS}s (a JobManager ` +
      `recovering it answers once it has)`,
  );
  let look: JobStateAnswer = { state: 'NOT_FOUND' };
  for (let waited = 0; look.state === 'NOT_FOUND' && waited < UNKNOWN_JOB_WAIT_SECONDS; waited += ASK_AGAIN_SECONDS) {
    await sleep(`${ASK_AGAIN_SECONDS} seconds`);
    look = await flinkLook.jobState({ app: ctx.app, jobId });
  }
  return look;
}

/**
 * The state a manifest names for a job that does not run: `spec.job.initialSavepointPath` changed from the one last
 * applied (a path kept from the first deploy is not a choice).
 */
function chosenRestore(ctx: OperationContext, spec: AppSpec): string | undefined {
  const path = spec.job.initialSavepointPath;
  const before = ctx.state.lastAppliedSpec?.job.initialSavepointPath;
  return path !== undefined && path !== before ? path : undefined;
}

/**
 * The state of a job Flink does not know after an operation closed while it stopped it: the savepoint of that job
 * the operation recorded, of its kind (its stop's, which the lock's takeover recorded while Flink remembered the
 * trigger; a job stopped with a savepoint has none after it). None (a last-state upgrade's cancel records a checkpoint
 * read before it, and the job may have kept newer ones): the stop's savepoint, or the checkpoints the job kept, may
 * be newer than anything recorded, and only a person can look (the worker has no storage credentials): the record
 * says `failed` with the choices and the apply fails, nothing changed.
 */
async function stateOfUnknownJob(ctx: OperationContext, jobId: string, what: string): Promise<SavepointEntry> {
  const { state, app } = ctx;
  const recorded = latestSavepoint(state.savepoints);
  const own = savepointKindOf(app, state.lastOperation ?? { type: '' });
  if (recorded && recorded.jobId === jobId && recorded.kind === own) return recorded;
  const config = state.lastAppliedSpec?.flinkConfiguration ?? {};
  const dirOf = (purpose: ConfigPurpose) =>
    configKeyNames(purpose)
      .map((k) => config[k])
      .find(Boolean);
  const savepoints = dirOf(ConfigPurpose.SavepointDir);
  const checkpoints = dirOf(ConfigPurpose.CheckpointDir);
  const where = [
    savepoints && `savepoint folder savepoint-${jobId.slice(0, 6)}-… under ${savepoints}`,
    checkpoints && `checkpoint ${checkpoints}/${jobId}/chk-…`,
  ].filter(Boolean);
  const reason =
    `${stateUnknownReason(jobId)} (asked for ${UNKNOWN_JOB_WAIT_SECONDS}s: its JobManager restarted after the ` +
    `job ended?) and ${what}: the state it left is not recorded` +
    (where.length ? `; look for the newest ${where.join(' or ')}` : '') +
    `. Set spec.job.initialSavepointPath to the state to restore and apply; ` +
    (recorded
      ? `apply unchanged restores the latest recorded ${recorded.location} (${recorded.time}; it may be older)`
      : 'apply unchanged deploys from spec.job.initialSavepointPath, or fresh without one (none is recorded)') +
    `; apply --from-scratch deploys without state`;
  await ctx.recordChanges({ kind: 'failed', reason });
  const { name, namespace } = app;
  throw ApplicationFailure.create({
    type: FailureType.StateUnknown,
    nonRetryable: true,
    message: `${reason} (nothing was deployed; \`flink-deploy status ${name} -n ${namespace}\` shows this)`,
  });
}
