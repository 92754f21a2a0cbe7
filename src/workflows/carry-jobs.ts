/**
 * A session cluster's upgrade that carries its FlinkSessionJobs over (`spec.flinkDeploy.upgrade.jobs:
 * carry-over`, AppSpec.carryJobsOnUpgrade; docs/workflows.md, "session clusters"): each session job
 * recorded running on the cluster is suspended (a child `suspend` run under the job's own lock and
 * workflow id: stopped with a savepoint, recorded), the cluster is rolled out, and each is resumed from
 * that savepoint (a child `resume`). A job that cannot be suspended ends the upgrade before the cluster
 * is touched, the others resumed; a cluster that does not come up leaves them suspended, and says so.
 * The jobs are recorded on the cluster (`carriedJobs`, emptied by the cluster's `cluster-ready`) before the first is
 * suspended: when the run stops before resuming them (terminated, a cluster that did not come up), the cluster's next
 * apply or resume resumes those still suspended. Behind `patched('session-cluster-carry-jobs')`.
 */
import { ApplicationFailure, CancellationScope, executeChild, ParentClosePolicy, patched } from '@temporalio/workflow';
import type { AppRef } from '../contract/app';
import { FailureType } from '../contract/failures';
import { operationWorkflowId } from '../contract/ids';
import { Operation, type OperationResult } from '../contract/operations';
import { Phase } from '../contract/phases';
import { FlinkApplication, FlinkNamespace, FlinkOperation } from '../contract/search-attributes';
import { sessionJob } from './activity-profiles';
import { applicationFailureOf, type OperationContext } from './operation';

/** `patched()` id: a session cluster's upgrade carries its session jobs over when its spec says so. */
export const CarryJobsPatch = 'session-cluster-carry-jobs';

/**
 * `patched()` id: an upgrade that carried its jobs over but could not resume one ends `failed` (exit 1: the cluster
 * is upgraded and recorded, the job is suspended with its savepoint, the message names the command), not `succeeded`.
 */
export const CarryJobsNotResumedPatch = 'session-cluster-carry-jobs-not-resumed';

/**
 * `patched()` id: once a job is suspended, a cancel interrupts neither the cluster's rollout nor the resumes: the
 * upgrade finishes and says the cancel came too late. Before, a cancel then ended the upgrade `failed` with the jobs
 * left suspended (down) until someone resumed each (found by the fault matrix's `cancel`, issue 12).
 */
export const CarryJobsSettlePatch = 'session-cluster-carry-jobs-settle';

/**
 * `patched()` id: the jobs a carry-over is about to suspend are recorded on the cluster first (its record's
 * `carriedJobs`, emptied by the `cluster-ready` that ends the operation), and the cluster's next apply or resume, once
 * the cluster is ready, resumes those still suspended. Before, an upgrade terminated after the suspends left the jobs
 * down: the cluster's apply run again said "nothing changed", and which jobs it had carried lived only in the stopped
 * run (found by the fault matrix's `terminate`, issue 12).
 */
export const CarriedJobsRecordedPatch = 'session-cluster-carried-jobs-recorded';

type Child = 'suspend' | 'resume';

/** One child operation on a session job, under its own workflow id (so its lock and history are its own). */
function runOn(ctx: OperationContext, job: AppRef, workflow: Child): Promise<OperationResult> {
  return executeChild(workflow, {
    workflowId: operationWorkflowId(job),
    args: [{ app: job }],
    // The job's operation finishes on its own, whatever happens to the cluster's upgrade.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    typedSearchAttributes: [
      { key: FlinkApplication, value: job.name },
      { key: FlinkNamespace, value: job.namespace },
      { key: FlinkOperation, value: workflow === 'suspend' ? Operation.Suspend : Operation.Resume },
    ],
    staticSummary: `${workflow} of ${job.namespace}/${job.name} (upgrade of session cluster ${ctx.app.name})`,
  });
}

/** Runs `workflow` on each job at once; the jobs it succeeded on, and why it failed on the others. */
async function onEach(ctx: OperationContext, jobs: AppRef[], workflow: Child) {
  const settled = await Promise.allSettled(jobs.map((job) => runOn(ctx, job, workflow)));
  const done: AppRef[] = [];
  const failed: string[] = [];
  settled.forEach((s, i) => {
    const job = jobs[i]!;
    if (s.status === 'fulfilled') done.push(job);
    else failed.push(`${job.name}: ${applicationFailureOf(s.reason)?.message ?? String(s.reason)}`);
  });
  return { done, failed };
}

const names = (jobs: AppRef[]) => jobs.map((j) => j.name).join(', ');

/** What carrying the jobs over did: the words for the result, and the jobs that did not resume. */
export interface CarriedOver {
  words: string;
  notResumed: string[];
}

/** Nothing carried. */
export const nothingCarried: CarriedOver = { words: '', notResumed: [] };

/** Both of what two steps carried, in order. */
export function bothCarried(a: CarriedOver, b: CarriedOver): CarriedOver {
  return { words: a.words + b.words, notResumed: [...a.notResumed, ...b.notResumed] };
}

/** Resumes `jobs` (each from its savepoint: a child `resume`) in Deploying; `doing` and `done` say what this is. */
async function resumeEach(ctx: OperationContext, jobs: AppRef[], words: { doing: string; done: string }) {
  await ctx.enterPhase(Phase.Deploying, `${words.doing}: ${names(jobs)}`);
  const resumed = await onEach(ctx, jobs, 'resume');
  const failed = resumed.failed.length
    ? `; NOT resumed (run flink-deploy resume <job> -n ${ctx.app.namespace}): ${resumed.failed.join('; ')}`
    : '';
  return {
    words: `; ${words.done}: ${names(resumed.done)}${failed}`,
    notResumed: jobs.filter((job) => !resumed.done.includes(job)).map((job) => job.name),
  };
}

/**
 * The session jobs a stopped run carried over (the cluster's record, `carriedJobs`) and left suspended, resumed now
 * that the cluster is ready; jobs running again, or suspended since by someone else's command, are left as they are.
 * The record's list goes with the operation's `cluster-ready`.
 */
export async function resumeCarriedLeft(ctx: OperationContext): Promise<CarriedOver> {
  const left = ctx.state.carriedJobs ?? [];
  if (!left.length || !patched(CarriedJobsRecordedPatch)) return nothingCarried;
  const suspended = await sessionJob.sessionJobsOnCluster({ cluster: ctx.app, status: 'suspended' });
  const jobs = suspended.filter((job) => left.includes(job.name));
  if (!jobs.length) return nothingCarried;
  return resumeEach(ctx, jobs, {
    doing: 'resuming the session jobs an earlier upgrade carried over and left suspended',
    done: 'session jobs an earlier upgrade left suspended, resumed',
  });
}

/**
 * Suspends the session jobs running on the cluster, runs `rollout` (the cluster's own steps: the
 * refusal of jobs not ours, the redeploy), resumes them.
 */
export async function carryJobsOver(ctx: OperationContext, rollout: () => Promise<void>): Promise<CarriedOver> {
  const { namespace, name } = ctx.app;
  const jobs = await sessionJob.sessionJobsOnCluster({ cluster: ctx.app });
  // Recorded before the first suspend: a run that stops before resuming them leaves the cluster's next command to.
  const recorded = jobs.length > 0 && patched(CarriedJobsRecordedPatch);
  if (recorded) {
    const carriedJobs = [...new Set([...(ctx.state.carriedJobs ?? []), ...jobs.map((job) => job.name)])];
    await ctx.recordChanges({ kind: 'jobs-carried', jobs: carriedJobs });
  }
  if (jobs.length > 0) {
    await ctx.enterPhase(
      Phase.Savepointing,
      `suspending the session jobs on ${namespace}/${name} with a savepoint each: ${names(jobs)}`,
    );
  }
  const suspended = await onEach(ctx, jobs, 'suspend');
  // From here on the suspended jobs are down until resumed: a cancel must not stop what brings them back.
  const settle = suspended.done.length > 0 && patched(CarryJobsSettlePatch);
  const carried = await (settle
    ? CancellationScope.nonCancellable(() => rolloutAndResume(ctx, suspended, rollout, recorded))
    : rolloutAndResume(ctx, suspended, rollout, recorded));
  if (!settle || !CancellationScope.current().consideredCancelled) return carried;
  const late = '; a cancel requested meanwhile came too late (the jobs were suspended): the upgrade finished';
  return { ...carried, words: `${carried.words}${late}` };
}

/** The cluster rolled out and the suspended jobs resumed (or resumed back when the rollout cannot start). */
async function rolloutAndResume(
  ctx: OperationContext,
  suspended: { done: AppRef[]; failed: string[] },
  rollout: () => Promise<void>,
  recorded: boolean,
): Promise<CarriedOver> {
  const { namespace, name } = ctx.app;
  const resumeBack = async (why: string): Promise<never> => {
    const back = await onEach(ctx, suspended.done, 'resume');
    const left = back.failed.length ? `; not resumed (run flink-deploy resume): ${back.failed.join('; ')}` : '';
    const again = back.done.length ? `, ${names(back.done)} resumed` : '';
    throw ApplicationFailure.create({
      type: FailureType.SessionClusterBusy,
      nonRetryable: true,
      message:
        `the upgrade of session cluster ${namespace}/${name} did not start: ${why}; nothing of the cluster ` +
        `changed${again}${left}`,
    });
  };
  if (suspended.failed.length) await resumeBack(`could not suspend ${suspended.failed.join('; ')}`);
  try {
    await rollout();
  } catch (err) {
    const failure = applicationFailureOf(err);
    if (failure?.type === FailureType.SessionClusterBusy) await resumeBack(failure.message);
    if (!suspended.done.length) throw err;
    throw ApplicationFailure.create({
      type: failure?.type ?? FailureType.DeploymentUnhealthy,
      nonRetryable: true,
      message:
        `${failure?.message ?? String(err)}; the session jobs ${names(suspended.done)} stay suspended with their ` +
        (recorded
          ? `savepoints: the cluster's next apply or resume resumes them once it runs (or resume each: ` +
            `flink-deploy resume <job> -n ${namespace})`
          : `savepoints: resume each once the cluster runs (flink-deploy resume <job> -n ${namespace})`),
    });
  }
  if (!suspended.done.length) return nothingCarried;
  return resumeEach(ctx, suspended.done, {
    doing: 'resuming the session jobs from their savepoints',
    done: 'session jobs carried over (suspended with a savepoint, resumed from it)',
  });
}
