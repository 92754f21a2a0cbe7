/**
 * rescale in place (issue 15): a change of parallelism alone (and with it the TaskManager count) on a job
 * the adaptive scheduler runs, without a savepoint or a redeploy: the job keeps its id and restarts from
 * its latest checkpoint inside the same JobManager. Scaling up: TaskManagers first (wait until they
 * registered their slots), then the resource requirements, then wait until the job runs at the new
 * parallelism. Scaling down: requirements, wait, then fewer TaskManagers (and wait again: the job may
 * have run on one of them). Every wait is bounded by the spec's stability timeout.
 * Where it cannot (job not RUNNING, a refused or failed step, not done in time) the upgrade path runs
 * instead and says why; a cancel puts the old requirements and TaskManagers back. Phases: docs/workflows.md.
 */
import { CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import type { AppSpec } from '../spec/types';
import { flinkLook, rescaling } from './activity-profiles';
import type { JobScale } from '../spec/rescale';
import { applicationFailureOf, type BodyResult, type OperationContext } from './operation';
import { Phase } from '../contract/phases';
import { Operation, Outcome } from '../contract/operations';
import { upgradeBody } from './upgrade';
import { statusWords } from './decisions/status-words';

/** `patched()` id: apply rescales in place where it can (runs recorded before took the upgrade path). */
export const RescalePatch = 'rescale-in-place';

/**
 * `patched()` id: once rescaled, the running generation's ConfigMap says the new parallelism.default (a
 * JobManager that restarts re-runs the job from it); runs recorded before left the deployed value.
 */
export const RescaleConfigPatch = 'rescale-config-parallelism';

export interface RescaleBodyInput {
  spec: AppSpec;
  /** For the upgrade path, when it runs instead (recorded in the operation's intent). */
  triggerId: string;
  from: JobScale;
  to: JobScale;
  /** `job.parallelism 2 → 3, TaskManagers 1 → 2`. */
  summary: string;
}

export async function rescaleBody(ctx: OperationContext, input: RescaleBodyInput): Promise<BodyResult> {
  const { spec, from, to } = input;
  const { state, app } = ctx;
  const jobId = state.jobId;
  const fallBack = (reason: string): Promise<BodyResult> => {
    ctx.progress.say(`not rescaled in place: ${reason}; upgrade (${spec.job.upgradeMode}) instead`);
    return upgradeBody(ctx, { spec, triggerId: input.triggerId, operation: Operation.Scale });
  };
  if (!jobId || state.status !== 'running') return fallBack(`no running job (${statusWords(state)})`);
  const look = await flinkLook.jobState({ app, jobId });
  if (look.state !== 'RUNNING')
    return fallBack(`job ${jobId} is ${look.state}${look.reason ? ` (${look.reason})` : ''}, not RUNNING`);

  const generation = state.generation;
  const deadline = () => Date.now() + spec.stability.timeoutSeconds * 1000;
  const steps = [
    to.taskManagers > from.taskManagers ? `TaskManagers ${from.taskManagers} → ${to.taskManagers}` : '',
    from.parallelism !== to.parallelism ? `requirements ${from.parallelism} → ${to.parallelism}` : '',
    to.taskManagers < from.taskManagers ? `TaskManagers ${from.taskManagers} → ${to.taskManagers}` : '',
  ].filter(Boolean);
  // Recorded before the first side effect: the record says what is in flight.
  await ctx.enterPhase(Phase.Rescaling, `rescale in place: ${steps.join(', then ')} (job ${jobId} keeps its id)`);
  let requirementsSent = false;
  let targets: Record<string, number> = {};
  try {
    if (to.taskManagers > from.taskManagers) {
      await rescaling.scaleTaskManagers({ spec, generation, jobId });
      ctx.progress.say(`waiting for ${to.taskManagers} TaskManager(s) to register`);
      await rescaling.awaitTaskManagerSlots({
        app,
        taskManagers: to.taskManagers,
        slots: to.taskManagers * spec.slotsPerTaskManager,
        deadline: deadline(),
      });
    }
    if (from.parallelism !== to.parallelism) {
      requirementsSent = true;
      ({ targets } = await rescaling.setResourceRequirements({
        app,
        jobId,
        from: from.parallelism,
        to: to.parallelism,
      }));
      ctx.progress.say(`waiting for job ${jobId} to run at parallelism ${to.parallelism}`);
      await rescaling.awaitJobParallelism({ app, jobId, targets, deadline: deadline() });
    }
    if (to.taskManagers < from.taskManagers) {
      await rescaling.scaleTaskManagers({ spec, generation, jobId });
      // The job may have run on a TaskManager that went: it runs at its parallelism again before done.
      if (requirementsSent) await rescaling.awaitJobParallelism({ app, jobId, targets, deadline: deadline() });
    }
    if (from.parallelism !== to.parallelism && patched(RescaleConfigPatch))
      await rescaling.applyRescaledConfig({ spec, generation, jobId });
  } catch (err) {
    if (isCancellation(err)) {
      // Cancelled: the old requirements and TaskManagers come back before the cancel is reported.
      await CancellationScope.nonCancellable(() => putBack(ctx, { ...input, requirementsSent }));
      throw err;
    }
    const failure = applicationFailureOf(err);
    const why = failure?.message ?? String(err);
    // The upgrade path secures the state with a savepoint of the job as it runs now, then redeploys
    // at the new scale: nothing is left half-scaled.
    return fallBack(`rescale failed${requirementsSent ? ' after the requirements were sent' : ''}: ${why}`);
  }
  return {
    result: {
      operation: Operation.Scale,
      outcome: Outcome.Succeeded,
      jobId,
      message: `rescaled in place: ${input.summary}; job ${jobId} kept running (no savepoint, no redeploy)`,
    },
    finalChanges: [{ kind: 'stable', generation, jobId, spec }],
  };
}

/** A cancelled rescale: the requirements and TaskManagers of the deployed spec again (best effort, said). */
async function putBack(ctx: OperationContext, input: RescaleBodyInput & { requirementsSent: boolean }): Promise<void> {
  const { from, to } = input;
  const jobId = ctx.state.jobId!;
  const deployed = ctx.state.lastAppliedSpec;
  ctx.progress.say(`cancelled: putting back ${input.summary.replace(/(\d+) → (\d+)/g, '$2 → $1')}`);
  try {
    if (input.requirementsSent)
      await rescaling.setResourceRequirements({ app: ctx.app, jobId, from: to.parallelism, to: from.parallelism });
    if (deployed && to.taskManagers !== from.taskManagers)
      await rescaling.scaleTaskManagers({ spec: deployed, generation: ctx.state.generation, jobId });
    // The ConfigMap may say the new parallelism already (a cancel during its write): the deployed one again.
    if (deployed && input.requirementsSent && patched(RescaleConfigPatch))
      await rescaling.applyRescaledConfig({ spec: deployed, generation: ctx.state.generation, jobId });
  } catch (err) {
    ctx.progress.say(
      `could not put the old scale back (${applicationFailureOf(err)?.message ?? String(err)}): the job may run ` +
        `half-scaled; run flink-deploy apply with the spec you want`,
    );
  }
}
