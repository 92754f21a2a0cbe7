/**
 * Session clusters (AppSpec.sessionCluster: a FlinkDeployment without `spec.job`; docs/workflows.md,
 * "Session clusters"). The same lock, record and objects as an application, but no job of its own:
 * a rollout applies the objects and waits until the JobManager answers with the TaskManagers and
 * slots registered. An upgrade, suspend or delete is refused while jobs run on the cluster (the
 * message names them); with none, the cluster is redeployed, its Deployments removed, or deleted.
 * Reached through `apply`, `suspend`, `resume` and `delete`, behind `patched('session-cluster')`.
 */
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { diffSpecs } from '../spec/diff';
import type { AppSpec } from '../spec/types';
import { kube } from './activity-profiles';
import { clusterWait, sessionJobs } from './blue-green-profiles';
import { clearHaAfterSuspend, clearHaBeforeRollout } from './ha-metadata';
import { FailureType } from '../contract/failures';
import { Phase } from '../contract/phases';
import { Operation, Outcome } from '../contract/operations';
import type { BodyResult, OperationContext } from './operation';
import { ingressBody } from './ingress';
import {
  bothCarried,
  carryJobsOver,
  CarryJobsNotResumedPatch,
  CarryJobsPatch,
  nothingCarried,
  resumeCarriedLeft,
  type CarriedOver,
} from './carry-jobs';
import { busyRefusal, kindChangeRefusal, sessionClusterStep, type BusyAction } from './decisions/session-cluster';
import { statusWords } from './decisions/status-words';

/** `patched()` id: a session cluster spec takes the session cluster path (apply, suspend, resume, delete). */
export const SessionClusterPatch = 'session-cluster';

/** True when `spec` is a session cluster and this run takes the session cluster path (patch marker written). */
export function takesSessionClusterPath(spec: AppSpec | undefined): boolean {
  return spec?.sessionCluster === true && patched(SessionClusterPatch);
}

function refused(type: FailureType, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, nonRetryable: true, message });
}

/** Throws InvalidSpec when `spec` would turn the deployed application into a session cluster or back. */
export function refuseKindChange(ctx: OperationContext, spec: AppSpec): void {
  const refusal = kindChangeRefusal(ctx.app, ctx.state.exists ? ctx.state.lastAppliedSpec : undefined, spec);
  if (refusal) throw refused(FailureType.InvalidSpec, refusal);
}

/** Throws SessionClusterBusy when jobs run on the cluster (asked of its JobManager). */
export async function refuseWhileJobsRun(ctx: OperationContext, action: BusyAction): Promise<void> {
  ctx.progress.say(`asking session cluster ${ctx.app.namespace}/${ctx.app.name} which jobs run on it`);
  const jobs = await sessionJobs.sessionClusterJobs({ app: ctx.app });
  const refusal = busyRefusal(ctx.app, jobs, action);
  if (refusal) throw refused(FailureType.SessionClusterBusy, refusal);
}

/**
 * Roll the cluster out as `generation`: recorded first, the running generation's Deployments (and HA
 * ConfigMaps) removed, the objects applied, then the wait for the JobManager, TaskManagers and slots.
 */
async function rolloutCluster(ctx: OperationContext, spec: AppSpec, generation: number): Promise<void> {
  const { app, state } = ctx;
  await ctx.recordChanges({ kind: 'cluster-deploying', generation, spec });
  await ctx.enterPhase(
    Phase.Deploying,
    `applying session cluster ${app.namespace}/${app.name} (generation ${generation})`,
  );
  if (state.status === 'running' || state.status === 'failed') await kube.removeDeployments({ app });
  await clearHaBeforeRollout(ctx, spec, generation);
  await kube.applyApplication({ spec, generation });
  await awaitReady(ctx, spec, 'waiting for');
}

function deployed(
  ctx: OperationContext,
  operation: Operation,
  spec: AppSpec,
  generation: number,
  what: string,
  carried: CarriedOver = nothingCarried,
): BodyResult {
  const slots = spec.taskManager.replicas * spec.slotsPerTaskManager;
  return {
    result: {
      operation,
      // The cluster is ready (recorded as such), but a job it carried is left suspended: the command did not do all
      // it was asked, so it ends failed (exit 1), its message naming the job and the command that resumes it.
      outcome: carried.notResumed.length > 0 && patched(CarryJobsNotResumedPatch) ? Outcome.Failed : Outcome.Succeeded,
      message:
        `${what}: session cluster ${ctx.app.namespace}/${ctx.app.name} is ready (generation ${generation}, ` +
        `${spec.taskManager.replicas} TaskManager(s), ${slots} slots)${carried.words}`,
    },
    finalChanges: [{ kind: 'cluster-ready', generation, spec }],
  };
}

/** apply of a session cluster spec: deploy, record, apply the ingress, or redeploy (refused while jobs run). */
export async function sessionClusterApplyBody(
  ctx: OperationContext,
  input: { spec: AppSpec; triggerId: string },
): Promise<BodyResult> {
  const { spec } = input;
  const { state } = ctx;
  refuseKindChange(ctx, spec);
  const change = diffSpecs(state.exists ? state.lastAppliedSpec : undefined, spec);
  ctx.progress.enter(Phase.Planning, `session cluster, change: ${change.summary}`);
  const step = sessionClusterStep(state, change);
  const generation = state.generation + 1;
  switch (step.kind) {
    case 'deploy':
      ctx.progress.setOperation(Operation.Deploy);
      await rolloutCluster(ctx, spec, generation);
      return deployed(ctx, Operation.Deploy, spec, generation, 'deployed');
    case 'record-only':
      return {
        result: {
          operation: Operation.Apply,
          outcome: Outcome.NoChange,
          message:
            `session cluster ${ctx.app.namespace}/${ctx.app.name} is suspended: the spec is recorded; ` +
            'resume deploys it',
        },
        finalChanges: [{ kind: 'applied', spec }],
      };
    case 'ingress':
      return ingressBody(ctx, { spec, triggerId: input.triggerId, savepoint: false });
    case 'redeploy': {
      ctx.progress.setOperation(Operation.Upgrade);
      const redeploy = async () => {
        if (state.status === 'running') await refuseWhileJobsRun(ctx, 'upgrade');
        await rolloutCluster(ctx, spec, generation);
      };
      // The session jobs carried over (suspended, the cluster rolled out, resumed), when the spec says so.
      let carried = nothingCarried;
      if (state.status === 'running' && spec.carryJobsOnUpgrade && patched(CarryJobsPatch))
        carried = await carryJobsOver(ctx, redeploy);
      else await redeploy();
      carried = bothCarried(carried, await resumeCarriedLeft(ctx));
      return deployed(ctx, Operation.Upgrade, spec, generation, `upgraded (${change.summary})`, carried);
    }
    case 'none':
    default: {
      // The record says running; a rollout that never finished (terminated while its cluster started) says so too.
      const ready = patched(SessionClusterVerifiesReadyPatch) ? await verifiedReady(ctx, spec) : undefined;
      const left = ready ? await resumeCarriedLeft(ctx) : nothingCarried;
      // A stopped carry-over's jobs resumed: the apply did something after all.
      if (left.words) return deployed(ctx, Operation.Apply, spec, state.generation, 'the spec is deployed', left);
      return {
        result: {
          operation: Operation.Apply,
          outcome: Outcome.NoChange,
          message:
            (change.changes.length
              ? `no redeploy needed (${change.summary}); recorded`
              : 'nothing changed: the deployed spec matches') + (ready ? `; ${ready}` : ''),
        },
        finalChanges: ready
          ? [{ kind: 'cluster-ready', generation: state.generation, spec }]
          : change.changes.length
            ? [{ kind: 'applied', spec }]
            : [],
      };
    }
  }
}

/**
 * `patched()` id: apply (no change) or resume of a session cluster the record says runs waits for its JobManager,
 * TaskManagers and slots (bounded by the stability timeout) and records it ready, instead of trusting the record: a
 * rollout terminated while its cluster started left the record running, and the command run again said "nothing
 * changed" (or, resume, "nothing to resume", exit 1) over a cluster with no TaskManager registered yet (found by the
 * fault matrix's `terminate`, issue 12).
 */
export const SessionClusterVerifiesReadyPatch = 'session-cluster-verifies-ready';

/**
 * StartingCluster: waits (bounded by the stability timeout) until the cluster's JobManager answers with the
 * TaskManagers and slots `spec` asks for registered; what it waited for, in words.
 */
async function awaitReady(ctx: OperationContext, spec: AppSpec, doing: 'waiting for' | 'verifying'): Promise<string> {
  const taskManagers = spec.taskManager.replicas;
  const slots = taskManagers * spec.slotsPerTaskManager;
  await ctx.enterPhase(
    Phase.StartingCluster,
    `${doing} the JobManager and ${taskManagers} TaskManager(s) with ${slots} slots`,
  );
  await clusterWait.awaitClusterReady({
    app: ctx.app,
    taskManagers,
    slots,
    deadline: Date.now() + spec.stability.timeoutSeconds * 1000,
  });
  return `${taskManagers} TaskManager(s), ${slots} slots`;
}

/**
 * `patched()` id: the verification of a session cluster the record says runs applies the recorded generation's objects
 * again before it waits (the same spec and generation: a server-side apply that changes nothing where they stand). A
 * rollout terminated after it recorded its generation and before its objects were applied (a first deploy in
 * Deploying) left a record that says running over no cluster: the verification waited the stability timeout for
 * objects never applied and ended failed (found by the fault matrix's `deploy-session-cluster/Deploying/terminate`,
 * issue 12).
 */
export const SessionClusterReappliesPatch = 'session-cluster-reapplies-recorded';

/**
 * Brings the running cluster to what the record says (its generation's objects applied again), then waits until it is
 * ready as `spec` asks; what was verified, in words.
 */
async function verifiedReady(ctx: OperationContext, spec: AppSpec): Promise<string> {
  const { app, state } = ctx;
  const reapply = patched(SessionClusterReappliesPatch);
  if (reapply) {
    await ctx.enterPhase(
      Phase.Deploying,
      `applying the objects of session cluster ${app.namespace}/${app.name} generation ${state.generation} again ` +
        '(unchanged where they stand)',
    );
    await kube.applyApplication({ spec: state.lastAppliedSpec ?? spec, generation: state.generation });
  }
  const ready = `verified ready (${await awaitReady(ctx, spec, 'verifying')})`;
  return reapply ? `generation ${state.generation}'s objects applied, ${ready}` : ready;
}

/** suspend of a session cluster: refused while jobs run; else its Deployments go (config and record stay). */
export async function sessionClusterSuspendBody(ctx: OperationContext, spec: AppSpec): Promise<BodyResult> {
  const { app, state } = ctx;
  if (state.status !== 'running')
    throw refused(
      FailureType.NothingToDo,
      `session cluster ${app.namespace}/${app.name} is not running (${statusWords(state)}): nothing to suspend`,
    );
  await refuseWhileJobsRun(ctx, 'suspend');
  await ctx.enterPhase(Phase.RemovingDeployments, 'removing the JobManager and TaskManager Deployments');
  await kube.removeDeployments({ app });
  await clearHaAfterSuspend(ctx, spec);
  return {
    result: {
      operation: Operation.Suspend,
      outcome: Outcome.Succeeded,
      message:
        `suspended: session cluster ${app.namespace}/${app.name} has no JobManager or TaskManagers; ` +
        'resume starts them',
    },
    finalChanges: [{ kind: 'suspended', spec }],
  };
}

/** resume of a session cluster: the last applied spec rolled out as a new generation. */
export async function sessionClusterResumeBody(ctx: OperationContext, spec: AppSpec): Promise<BodyResult> {
  const { app, state } = ctx;
  if (state.status === 'running' && patched(SessionClusterVerifiesReadyPatch)) {
    const ready = await verifiedReady(ctx, spec);
    const left = await resumeCarriedLeft(ctx);
    if (left.words) return deployed(ctx, Operation.Resume, spec, state.generation, 'running', left);
    return {
      result: {
        operation: Operation.Resume,
        outcome: Outcome.NoChange,
        message: `session cluster ${app.namespace}/${app.name} runs, ${ready}: nothing to resume`,
      },
      finalChanges: [{ kind: 'cluster-ready', generation: state.generation, spec }],
    };
  }
  if (state.status !== 'suspended')
    throw refused(
      FailureType.NothingToDo,
      `session cluster ${app.namespace}/${app.name} is not suspended (${statusWords(state)}): nothing to resume`,
    );
  const generation = state.generation + 1;
  await rolloutCluster(ctx, spec, generation);
  return deployed(ctx, Operation.Resume, spec, generation, 'resumed', await resumeCarriedLeft(ctx));
}
