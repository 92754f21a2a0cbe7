/**
 * Session jobs (AppSpec.sessionJob: a FlinkSessionJob; docs/spec.md, "Session jobs"): the same
 * operations, lock, record and phases as an application, each job under its own name. Only the
 * rollout differs: the job's jar is staged on its session cluster before anything is torn down or
 * recorded (the pre-flight), the `<job>-rest` Service to the cluster's JobManager is applied, and the
 * job is submitted through REST with the recorded job id. Every other step (savepoints, cancel, the
 * checkpoint read, the stability wait) reaches the cluster through that Service.
 * Behind `patched('session-job')`.
 */
import { awaitStable } from './stable';
import { ApplicationFailure, CancellationScope, isCancellation, patched, uuid4 } from '@temporalio/workflow';
import type { AppSpec } from '../spec/types';
import { FailureType } from '../contract/failures';
import { hexId } from '../contract/ids';
import { Phase } from '../contract/phases';
import { kube, savepoints, sessionJob } from './activity-profiles';
import { applicationFailureOf, type OperationContext } from './operation';
import type { RolloutInput, RolloutResult } from './rollout';

/** `patched()` id: a session job spec takes the session job path (pre-flight, rollout). */
export const SessionJobPatch = 'session-job';

/** True when `spec` is a session job and this run takes the session job path (patch marker written). */
export function takesSessionJobPath(spec: AppSpec | undefined): boolean {
  return spec?.sessionJob !== undefined && patched(SessionJobPatch);
}

/** Throws InvalidSpec when `spec` would turn the deployed application or cluster into a session job or back. */
export function refuseSessionJobKindChange(ctx: OperationContext, spec: AppSpec): void {
  const deployed = ctx.state.exists ? ctx.state.lastAppliedSpec : undefined;
  if (!deployed || (deployed.sessionJob !== undefined) === (spec.sessionJob !== undefined)) return;
  const name = `${ctx.app.namespace}/${ctx.app.name}`;
  const was = deployed.sessionJob ? 'a FlinkSessionJob' : 'a FlinkDeployment';
  const is = spec.sessionJob ? 'a FlinkSessionJob' : 'a FlinkDeployment';
  throw ApplicationFailure.create({
    type: FailureType.InvalidSpec,
    nonRetryable: true,
    message:
      `${name} is ${was}; this manifest makes it ${is}: delete it first (flink-deploy delete ${ctx.app.name} ` +
      `-n ${ctx.app.namespace}) or choose another name; nothing was changed`,
  });
}

/** The pre-flight of a session job: its cluster checked, its jar staged on it (nothing recorded). */
export async function stageSessionJob(spec: AppSpec): Promise<void> {
  await sessionJob.stageSessionJob({ spec });
}

/** Rolls a session job out on its cluster; throws the stability failure (JobFailed, NotStable). */
export async function sessionJobRollout(ctx: OperationContext, input: RolloutInput): Promise<RolloutResult> {
  const { spec, generation, restore } = input;
  const cluster = `${spec.namespace}/${spec.sessionJob?.deploymentName ?? ''}`;
  if (!input.preflighted) await stageSessionJob(spec);
  const jobId = hexId(uuid4());
  await ctx.recordChanges({ kind: 'deploying', generation, jobId, spec, restoredFrom: restore?.path });
  await ctx.enterPhase(
    Phase.Submitting,
    `submitting the ${input.label} to session cluster ${cluster} (generation ${generation}, job ` +
      `${jobId}${restore ? `, from ${restore.path}` : ', no restore'})`,
  );
  // Neither settles half-way under a cancel: an abandoned submit could start a job after the rollback's.
  await CancellationScope.nonCancellable(async () => {
    await kube.applyApplication({ spec, generation });
    await sessionJob.submitSessionJob({ spec, generation, jobId, ...(restore ? { restore } : {}) });
  });
  let waiting = false;
  try {
    await ctx.enterPhase(
      Phase.WaitingForStable,
      `waiting for job ${jobId} to be RUNNING and stable on ${cluster} (${spec.stability.windowSeconds}s ` +
        `window${spec.stability.requireCheckpoint ? ', a completed checkpoint' : ''})`,
    );
    waiting = true;
    const stable = await awaitStable(ctx, { spec, jobId, generation, restore });
    return { ...stable, jobId, generation };
  } catch (err) {
    const type = applicationFailureOf(err)?.type ?? '';
    const rollsBack = input.rollsBack && (isCancellation(err) || notStable.includes(type));
    // Nothing else stops it on its shared cluster: the rollback's job would run beside it. Cancelled while the phase
    // was recorded (a cancel requested during the submit lands there), the job was submitted all the same.
    const cancels =
      rollsBack &&
      patched(SessionJobUnstableCancelledPatch) &&
      (waiting || patched(SessionJobCancelledEnteringWaitPatch));
    if (cancels) await CancellationScope.nonCancellable(() => savepoints.cancelJob({ app: ctx.app, jobId }));
    throw err;
  }
}

/**
 * `patched()` id: a session job's new version not stable (or cancelled) in an upgrade is cancelled before the upgrade
 * rolls back. Before, the last stable version was submitted beside it on their session cluster: two RUNNING jobs of
 * one application (found by the fault matrix's `cancel`, upgrade-session-job/WaitingForStable/cancel, issue 12).
 */
export const SessionJobUnstableCancelledPatch = 'session-job-unstable-cancelled';

/**
 * `patched()` id: the same for a cancel that lands while WaitingForStable is being recorded, before the wait (a cancel
 * requested during the non-cancellable submit lands there too). Before, the job just submitted ran beside the
 * rollback's (the fault matrix's upgrade-session-job/WaitingForStable/cancel again, issue 12's twenty-second session).
 */
export const SessionJobCancelledEnteringWaitPatch = 'session-job-cancelled-entering-wait';

/** Failure types of the stability wait after which an upgrade rolls back. */
const notStable: string[] = [FailureType.JobFailed, FailureType.DeploymentUnhealthy, FailureType.NotStable];
