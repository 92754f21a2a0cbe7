/**
 * apply: compare the desired spec with the deployed record and run the operation it needs
 * (deploy, upgrade/scale/restart, suspend, resume, savepoint, or nothing) under one lock.
 */
import { patched, uuid4 } from '@temporalio/workflow';
import { diffSpecs } from '../spec/diff';
import type { AppSpec, SpecChange } from '../spec/types';
import { ApplyIngressPatch, ingressBody } from './ingress';
import { deployBody } from './deploy';
import { unfinishedGeneration, unfinishedOperation } from './decisions/unfinished';
import {
  FinishAfterStoppingOperationPatch,
  FinishAfterUnfinishedOperationPatch,
  finishUnfinished,
  FinishUnfinishedPatch,
} from './finish-unfinished';
import { hexId } from '../contract/ids';
import { runOperation, type BodyResult, type OperationContext } from './operation';
import { Phase } from '../contract/phases';
import { rescaleDecision, rescaleLine } from '../spec/rescale';
import { rescaleBody, RescalePatch } from './rescale';
import { resumeBody } from './resume';
import { savepointBody } from './savepoint';
import { refuseKindChange, sessionClusterApplyBody, takesSessionClusterPath } from './session-cluster';
import { refuseSessionJobKindChange, takesSessionJobPath } from './session-job';
import { suspendBody } from './suspend';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import { SavepointKind } from '../contract/savepoints';
import type { ApplyInput } from '../contract/workflow-inputs';
import { upgradeBody } from './upgrade';
import { validSpec } from './valid-input';

export async function apply(input: ApplyInput): Promise<OperationResult> {
  validSpec(input);
  const app = { namespace: input.spec.namespace, name: input.spec.name };
  const triggerId = hexId(uuid4());
  return runOperation({ app, operation: Operation.Apply, intent: { triggerId } }, (ctx) =>
    applyBody(ctx, { spec: input.spec, triggerId, fromScratch: input.fromScratch === true }),
  );
}

async function applyBody(
  ctx: OperationContext,
  input: { spec: AppSpec; triggerId: string; fromScratch: boolean },
): Promise<BodyResult> {
  const { spec, triggerId } = input;
  // A session cluster: no job of its own (./session-cluster.ts); an application over one's record is refused.
  if (takesSessionClusterPath(spec)) return sessionClusterApplyBody(ctx, { spec, triggerId });
  if (takesSessionClusterPath(ctx.state.lastAppliedSpec)) refuseKindChange(ctx, spec);
  // A session job over an application's record, or back, is refused; a session job rescales by upgrade.
  const sessionJob = takesSessionJobPath(spec) || takesSessionJobPath(ctx.state.lastAppliedSpec);
  if (sessionJob) refuseSessionJobKindChange(ctx, spec);
  // Never "nothing changed" over an operation that never finished: finish it, undo it, or redeploy.
  const operationLeft = unfinishedOperation(ctx.state);
  const left = unfinishedGeneration(ctx.state)
    ? patched(FinishUnfinishedPatch)
    : spec.job.state !== 'suspended' &&
      (operationLeft === 'stopped'
        ? patched(FinishAfterUnfinishedOperationPatch)
        : operationLeft === 'stopping' && patched(FinishAfterStoppingOperationPatch));
  if (left) {
    const finished = await finishUnfinished(ctx, input);
    if (finished) return finished;
  }
  const deployed = ctx.state.exists ? ctx.state.lastAppliedSpec : undefined;
  const change = diffSpecs(deployed, spec);
  ctx.progress.enter(Phase.Planning, `change: ${change.summary}`);
  switch (change.class) {
    case 'deploy':
      ctx.progress.setOperation(Operation.Deploy);
      if (spec.job.state === 'suspended') {
        return {
          result: {
            operation: Operation.Deploy,
            outcome: Outcome.Succeeded,
            message: 'recorded as suspended: nothing deployed (resume with job.state: running)',
          },
          finalChanges: [{ kind: 'suspended', spec }],
        };
      }
      return deployBody(ctx, spec);
    case 'upgrade':
    case 'scale':
    case 'restart': {
      const operation =
        change.class === 'upgrade' ? Operation.Upgrade : change.class === 'scale' ? Operation.Scale : Operation.Restart;
      // A rescale alone goes in place where Flink can take it; else the upgrade path, saying why (patched).
      const rescale = rescaleDecision(spec, change);
      if (rescale.kind !== 'not-a-rescale' && !sessionJob && patched(RescalePatch)) {
        const inPlace = rescale.kind === 'in-place';
        ctx.progress.setOperation(inPlace ? Operation.Scale : operation);
        ctx.progress.say(rescaleLine(rescale, spec.job.upgradeMode) ?? change.summary);
        if (inPlace) {
          const { from, to, summary } = rescale;
          return rescaleBody(ctx, { spec, triggerId, from, to, summary });
        }
        return upgradeBody(ctx, { spec, triggerId, operation });
      }
      ctx.progress.setOperation(operation);
      return upgradeBody(ctx, { spec, triggerId, operation });
    }
    case 'suspend':
      ctx.progress.setOperation(Operation.Suspend);
      return suspendBody(ctx, { triggerId, spec });
    case 'resume':
      ctx.progress.setOperation(Operation.Resume);
      return resumeBody(ctx, { spec });
    case 'ingress':
      if (patched(ApplyIngressPatch))
        return ingressBody(ctx, { spec, triggerId, savepoint: change.savepointRequested });
      return noChange(ctx, change, spec);
    case 'savepoint-only': {
      ctx.progress.setOperation(Operation.Savepoint);
      const body = await savepointBody(ctx, { triggerId, kind: SavepointKind.Manual });
      return { ...body, finalChanges: [...(body.finalChanges ?? []), { kind: 'applied', spec }] };
    }
    case 'none':
    default:
      return noChange(ctx, change, spec);
  }
}

function noChange(ctx: OperationContext, change: SpecChange, spec: AppSpec): BodyResult {
  return {
    result: {
      operation: Operation.Apply,
      outcome: Outcome.NoChange,
      jobId: ctx.state.jobId,
      message: change.changes.length
        ? `no redeploy needed (${change.summary}); recorded`
        : 'nothing changed: the deployed spec matches',
    },
    finalChanges: change.changes.length ? [{ kind: 'applied', spec }] : [],
  };
}
