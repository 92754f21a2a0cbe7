/**
 * fleet: one rollout over many applications (docs/fleet.md). Canaries first, then an optional
 * approval gate (`approve` / `abort` Updates), then the others with at most `concurrency`
 * operations at once. Each application's change is its own `apply` child on the application's
 * business-key id (`flink-deploy/<ns>/<app>`), so the one-open-operation rule and the record's lock
 * hold as for a single apply; children are durable on their own (a worker dying changes nothing).
 * The first failure halts: nothing new starts, running children finish; with `rollbackOnFailure`
 * the applications this rollout moved go back to the spec they ran before.
 */
import {
  ApplicationFailure,
  condition,
  ParentClosePolicy,
  patched,
  setHandler,
  sleep,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { AppSpec } from '../spec/types';
import { abortUpdate, approveUpdate } from '../contract/fleet-messages';
import {
  FleetAppState,
  FleetStage,
  IfBusy,
  type FleetDecision,
  type FleetInput,
  type FleetProgress,
} from '../contract/fleet';
import { FailureType } from '../contract/failures';
import { operationWorkflowId } from '../contract/ids';
import { Operation, type OperationResult } from '../contract/operations';
import { FlinkApplication, FlinkNamespace, FlinkOperation } from '../contract/search-attributes';
import { apply } from './apply';
import {
  clusterInRollout,
  fleetInputProblems,
  fleetOutcome,
  rolloutOrder,
  sessionAwareOrder,
  shouldRevert,
} from './decisions/fleet-plan';
import { FleetTracker } from './fleet-progress';
import { applicationFailureOf, Patch } from './operation';
import { validSpec } from './valid-input';

/** How often a busy application is looked at again (`ifBusy: wait`). */
const BUSY_RETRY_MS = 15_000;

export async function fleet(input: FleetInput): Promise<FleetProgress> {
  const problems = fleetInputProblems(input);
  if (problems.length)
    throw ApplicationFailure.create({
      type: FailureType.InvalidSpec,
      nonRetryable: true,
      message: `invalid fleet input: ${problems.join('; ')}; nothing was started`,
    });
  for (const app of input.apps) validSpec(app);
  const tracker = new FleetTracker(input);
  // Session clusters before their jobs (histories recorded before it replay in the input's order).
  const clustersFirst = patched(Patch.FleetSessionClustersFirst);
  let approved = false;
  let aborted = false;
  const halt = (reason: string) => {
    if (tracker.haltReason) return;
    tracker.haltReason = reason;
    if (tracker.stage !== FleetStage.Done) tracker.enter(FleetStage.Halting);
  };

  setHandler(
    approveUpdate,
    (decision) => {
      approved = true;
      tracker.enter(FleetStage.Waves);
      return `approved${decision?.by ? ` by ${decision.by}` : ''}: the waves start`;
    },
    {
      validator: (_decision: FleetDecision) => {
        if (tracker.stage !== FleetStage.AwaitingApproval)
          throw new Error(`not waiting for approval: the rollout is at ${tracker.stage}`);
      },
    },
  );
  setHandler(
    abortUpdate,
    (request) => {
      aborted = true;
      halt(`aborted${request?.by ? ` by ${request.by}` : ''}${request?.reason ? `: ${request.reason}` : ''}`);
      return `aborted: nothing new starts; ${tracker.running} running operation(s) finish`;
    },
    {
      validator: (_decision: FleetDecision) => {
        if (tracker.stage === FleetStage.Done || tracker.stage === FleetStage.Reverting)
          throw new Error(`nothing to abort: the rollout is ${tracker.stage}`);
        if (tracker.haltReason) throw new Error(`already halted: ${tracker.haltReason}`);
      },
    },
  );

  /**
   * Runs the apply child of one application to its end (its failure is thrown), waiting while
   * another operation holds it if asked; `busy` when it was left to that other operation.
   */
  const runApp = async (
    index: number,
    spec: AppSpec,
    revert: boolean,
  ): Promise<{ result?: OperationResult; busy?: string }> => {
    const app = input.apps[index]!;
    const ref = { namespace: spec.namespace, name: spec.name };
    const busyUntil = Date.now() + input.busyTimeoutSeconds * 1000;
    for (let attempt = 1; ; attempt++) {
      // Halted while it waited for another operation: it is not started.
      if (attempt > 1 && tracker.haltReason && !revert) return {};
      let holder: string;
      try {
        const child = await startChild(apply, {
          workflowId: operationWorkflowId(ref),
          args: [{ spec }],
          // An application's operation is never cut short by the rollout's end: it finishes on its own.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          typedSearchAttributes: [
            { key: FlinkApplication, value: ref.name },
            { key: FlinkNamespace, value: ref.namespace },
            { key: FlinkOperation, value: revert ? Operation.Apply : app.operation },
          ],
          staticSummary: `${revert ? 'revert' : app.operation} of ${ref.namespace}/${ref.name} (fleet rollout ${
            input.rolloutId
          })`,
        });
        const ids = { workflowId: child.workflowId, runId: child.firstExecutionRunId };
        if (revert) tracker.set(index, FleetAppState.Succeeded, 'going back to its previous spec', ids);
        else tracker.set(index, FleetAppState.Running, `${app.operation} running`, ids);
        return { result: await child.result() };
      } catch (err) {
        const failure = applicationFailureOf(err);
        if (!(err instanceof WorkflowExecutionAlreadyStartedError) && failure?.type !== FailureType.OperationInProgress)
          throw err;
        holder = failure?.message ?? `another operation is open on ${ref.namespace}/${ref.name}`;
      }
      const left = busyUntil - Date.now();
      if (input.ifBusy === IfBusy.Skip || left <= 0 || tracker.haltReason || revert) return { busy: holder };
      tracker.set(index, FleetAppState.Waiting, `waiting: ${holder}`);
      await sleep(Math.min(BUSY_RETRY_MS, left));
    }
  };

  /** One application's change: its end state, and the halt a failure calls. */
  const change = async (index: number): Promise<void> => {
    const app = input.apps[index]!;
    if (clustersFirst && !(await clusterReady(index))) return;
    try {
      const { result, busy } = await runApp(index, app.spec, false);
      if (result) tracker.set(index, FleetAppState.Succeeded, result.message, { result });
      else if (busy) tracker.set(index, FleetAppState.Busy, `left untouched: ${busy}`);
      else tracker.set(index, FleetAppState.Untouched, `not started: the rollout halted while it waited`);
    } catch (err) {
      const failure = applicationFailureOf(err);
      const message = failure?.message ?? String(err);
      const rolledBack = failure?.type === FailureType.UpgradeRolledBack;
      tracker.set(index, rolledBack ? FleetAppState.RolledBack : FleetAppState.Failed, message);
      halt(`${app.spec.namespace}/${app.spec.name} ${rolledBack ? 'rolled back' : 'failed'}: ${message}`);
    }
  };

  /**
   * A session job whose session cluster this rollout applies waits until the cluster's change ended; unless
   * it then runs (succeeded or unchanged), the job is not started (said), and false is returned.
   */
  const clusterReady = async (index: number): Promise<boolean> => {
    const cluster = clusterInRollout(input.apps, index);
    if (cluster === undefined) return true;
    const ended = (state: FleetAppState) =>
      state !== FleetAppState.Pending && state !== FleetAppState.Running && state !== FleetAppState.Waiting;
    await condition(() => ended(tracker.apps[cluster]!.state));
    const state = tracker.apps[cluster]!.state;
    if (state === FleetAppState.Succeeded || state === FleetAppState.Unchanged) return true;
    const { namespace, name } = input.apps[cluster]!.spec;
    tracker.set(index, FleetAppState.Untouched, `not started: its session cluster ${namespace}/${name} is ${state}`);
    return false;
  };

  /** Starts the changes of `indexes` in order, at most `concurrency` at once; stops starting on a halt. */
  const runPool = async (indexes: number[], work: (index: number) => Promise<void>): Promise<void> => {
    const running: Promise<void>[] = [];
    for (const index of indexes) {
      if (input.apps[index]!.unchanged && work === change) {
        tracker.set(index, FleetAppState.Unchanged, 'the plan found nothing to change: not started');
        continue;
      }
      await condition(() => tracker.running < input.concurrency || tracker.haltReason !== undefined);
      if (tracker.haltReason && work === change) break;
      tracker.started();
      running.push(work(index).finally(() => tracker.ended()));
    }
    await Promise.all(running);
  };

  const { canaries, rest } = clustersFirst ? sessionAwareOrder(input) : rolloutOrder(input);
  tracker.enter(canaries.length ? FleetStage.Canaries : FleetStage.Waves);
  await runPool(canaries, change);
  if (!tracker.haltReason && input.approveAfterCanary) {
    tracker.enter(FleetStage.AwaitingApproval);
    const decided = await condition(() => approved || aborted, input.approvalTimeoutSeconds * 1000);
    if (!decided) {
      aborted = true;
      halt(`nobody approved within ${input.approvalTimeoutSeconds} s`);
    }
  }
  if (!tracker.haltReason) {
    if (tracker.stage !== FleetStage.Waves) tracker.enter(FleetStage.Waves);
    await runPool(rest, change);
  }
  for (const [i, a] of tracker.apps.entries()) {
    if (a.state === FleetAppState.Pending && input.apps[i]!.unchanged)
      tracker.set(i, FleetAppState.Unchanged, 'the plan found nothing to change: not started');
    else if (a.state === FleetAppState.Pending || a.state === FleetAppState.Waiting)
      tracker.set(i, FleetAppState.Untouched, `not started: the rollout halted (${tracker.haltReason})`);
  }

  if (tracker.haltReason && !aborted && input.rollbackOnFailure) {
    tracker.enter(FleetStage.Reverting);
    const reverts = input.apps.map((_, i) => i).filter((i) => shouldRevert(input.apps[i]!, tracker.apps[i]!));
    await runPool(reverts, async (index) => {
      const app = input.apps[index]!;
      try {
        const { result, busy } = await runApp(index, app.previousSpec!, true);
        if (result) tracker.set(index, FleetAppState.Reverted, `sent back to its previous spec: ${result.message}`);
        else tracker.set(index, FleetAppState.RevertFailed, `not sent back, another operation holds it: ${busy}`);
      } catch (err) {
        const message = applicationFailureOf(err)?.message ?? String(err);
        tracker.set(index, FleetAppState.RevertFailed, `could not send it back to its previous spec: ${message}`);
      }
    });
  }

  tracker.enter(FleetStage.Done);
  const outcome = fleetOutcome(
    tracker.apps.map((a) => a.state),
    aborted,
  );
  return tracker.finish(outcome, summaryOf(tracker));
}

function summaryOf(tracker: FleetTracker): string {
  const n = (...states: FleetAppState[]) => tracker.apps.filter((a) => states.includes(a.state)).length;
  const parts = [
    `${n(FleetAppState.Succeeded)} moved`,
    `${n(FleetAppState.RolledBack, FleetAppState.Reverted)} rolled back`,
    `${n(FleetAppState.Failed, FleetAppState.RevertFailed)} failed`,
    `${n(FleetAppState.Untouched, FleetAppState.Busy, FleetAppState.Unchanged)} left untouched`,
  ];
  return `${parts.join(', ')}${tracker.haltReason ? `; halted: ${tracker.haltReason}` : ''}`;
}
