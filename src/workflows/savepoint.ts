/**
 * savepoint: a manual or periodic savepoint of the running job, recorded in the history,
 * then retention: savepoints beyond the policy are marked in the record by the write that ends
 * the run and disposed after it, by the same activity (endAndDispose, patch `dispose-with-end`);
 * a failed disposal stays marked and is retried by the next run.
 * A periodic run finding another operation in progress is skipped and says why.
 */
import { ApplicationFailure, CancellationScope, patched, uuid4 } from '@temporalio/workflow';
import type { RecordChange } from '../contract/deployed-state';
import type { SavepointEntry } from '../contract/savepoints';
import { disposal } from './activity-profiles';
import { planRetention } from './decisions/retention';
import { FailureType } from '../contract/failures';
import { hexId } from '../contract/ids';
import { applicationFailureOf, Patch, runOperation, type BodyResult, type OperationContext } from './operation';
import { Phase } from '../contract/phases';
import { runningJob } from './running-job';
import { savepointNotTaken } from './savepoint-not-taken';
import { takeSavepointRetryingFailover } from './savepoint-retry';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import { SavepointKind, type RetentionPolicy } from '../contract/savepoints';
import type { SavepointInput } from '../contract/workflow-inputs';
import { validApp, validSavepointTarget } from './valid-input';
import { withDisposals } from './disposals';
import { statusWords } from './decisions/status-words';

export async function savepoint(input: SavepointInput): Promise<OperationResult> {
  validApp(input);
  validSavepointTarget(input);
  const triggerId = hexId(uuid4());
  const periodic = input.kind === SavepointKind.Periodic;
  let planned: string[] = [];
  return runOperation(
    {
      app: input.app,
      operation: Operation.Savepoint,
      intent: { triggerId },
      upsertPhases: !periodic,
      onLockHeld: periodic
        ? (holder) => ({
            operation: Operation.Savepoint,
            outcome: Outcome.Skipped,
            message: `periodic savepoint skipped: ${holder}`,
          })
        : undefined,
      afterRelease: async (result, progress) => {
        if (planned.length === 0) return result;
        if (patched(Patch.DisposingPhase)) {
          progress.enter(Phase.Disposing, `disposing ${planned.length} savepoint(s) beyond the retention policy`);
        }
        return withDisposals(result, await disposal.disposeSavepoints({ app: input.app, locations: planned }));
      },
    },
    async (ctx) => {
      const { kind, retention, targetDirectory, formatType } = input;
      const body = await savepointBody(ctx, { triggerId, kind, retention, targetDirectory, formatType });
      // The disposals ride in the activity that writes the end (one action fewer); runs started
      // before replay them after the release (their histories have no marker).
      if (body.planned.length && patched(Patch.DisposeWithEnd)) return { ...body, dispose: body.planned };
      planned = body.planned;
      return body;
    },
  );
}

export interface SavepointBodyInput extends Pick<SavepointInput, 'targetDirectory' | 'formatType'> {
  triggerId: string;
  kind: typeof SavepointKind.Manual | typeof SavepointKind.Periodic;
  retention?: RetentionPolicy;
}

export async function savepointBody(
  ctx: OperationContext,
  input: SavepointBodyInput,
): Promise<BodyResult & { planned: string[] }> {
  const { state } = ctx;
  const jobId = await runningJob(ctx);
  if (!jobId) {
    if (input.kind === SavepointKind.Periodic) {
      return {
        planned: [],
        result: {
          operation: Operation.Savepoint,
          outcome: Outcome.Skipped,
          message: `periodic savepoint skipped: no running job (${statusWords(state)})`,
        },
      };
    }
    throw ApplicationFailure.create({
      type: FailureType.NothingToDo,
      nonRetryable: true,
      message:
        `${ctx.app.namespace}/${ctx.app.name} has no running job to take a savepoint of (status ` + `${state.status})`,
    });
  }
  const details =
    `taking a ${input.kind} savepoint of job ${jobId} (trigger ${input.triggerId}); ` + 'the job keeps running';
  // A FlinkStateSnapshot's directory and format, when it names them (runs started before never do: same input).
  const take = {
    app: ctx.app,
    jobId,
    triggerId: input.triggerId,
    stop: false,
    ...(input.targetDirectory !== undefined ? { targetDirectory: input.targetDirectory } : {}),
    ...(input.formatType !== undefined ? { formatType: input.formatType } : {}),
  };
  // The phase's record write rides in takeSavepoint (one action fewer); runs started before replay it apart.
  const phaseWithTrigger = patched(Patch.SavepointPhaseWithTrigger);
  if (phaseWithTrigger) ctx.progress.enter(Phase.Savepointing, details);
  else await ctx.enterPhase(Phase.Savepointing, details);
  let taken;
  let triggerId = input.triggerId;
  // Every trigger id sent (a trigger Flink failed while the job failed over is tried again with a new one).
  const tried: string[] = [];
  const takeIt = () =>
    takeSavepointRetryingFailover(
      ctx,
      phaseWithTrigger
        ? {
            ...take,
            recordFirst: {
              workflowId: ctx.workflowId,
              changes: [{ kind: 'phase', phase: Phase.Savepointing, details }],
            },
          }
        : take,
      tried,
    );
  // A cancel does not interrupt a savepoint Flink may already be writing (it would be left on disk, unrecorded):
  // the savepoint completes and is recorded, and the result says the cancel came too late.
  const guarded = patched(SavepointNotInterruptedPatch);
  try {
    ({ taken, triggerId } = await (guarded ? CancellationScope.nonCancellable(takeIt) : takeIt()));
  } catch (err) {
    // The phase write failed (the lock lost, the record deleted): nothing was asked of Flink; said as it is.
    if (phaseWithTrigger && recordWriteFailed(err)) throw err;
    // Runs started before this look existed replay without it (their histories have no marker).
    if (!patched(Patch.SavepointFailureSaysJobState)) throw err;
    throw await savepointNotTaken(ctx, { jobId, triggerId: input.triggerId, triggersTried: tried, err });
  }
  const entry: SavepointEntry = {
    location: taken.location,
    kind: input.kind,
    time: new Date().toISOString(),
    triggerId,
    jobId,
    disposed: false,
  };
  const changes: RecordChange[] = [{ kind: 'savepoint-completed', entry }];
  let planned: string[] = [];
  if (input.retention) {
    planned = planRetention({
      savepoints: [...state.savepoints, entry],
      policy: input.retention,
      now: Date.now(),
      protectedLocations: [taken.location, ...(state.restoredFrom ? [state.restoredFrom] : [])],
    });
    if (planned.length) changes.push({ kind: 'disposal-planned', locations: planned });
  }
  return {
    planned,
    result: {
      operation: Operation.Savepoint,
      outcome: Outcome.Succeeded,
      jobId,
      savepoint: taken.location,
      message:
        guarded && CancellationScope.current().consideredCancelled
          ? `cancel requested while the savepoint was being taken: savepoint ${taken.location} of job ${jobId} ` +
            'completed and is recorded'
          : `savepoint ${taken.location} taken of job ${jobId}`,
    },
    finalChanges: changes,
  };
}

/** A failure of takeSavepoint's record write (`recordFirst`): the lock lost or the record deleted. */
function recordWriteFailed(err: unknown): boolean {
  const type = applicationFailureOf(err)?.type;
  return type === FailureType.LockLost || type === FailureType.RecordDeleted;
}

/**
 * `patched()` id: taking the savepoint is not cancellable; a cancel that comes meanwhile lets it complete and
 * records it (runs started before were cancelled mid-savepoint, leaving Flink's savepoint unrecorded).
 */
export const SavepointNotInterruptedPatch = 'savepoint-not-interrupted';
