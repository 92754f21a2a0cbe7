/** resume: deploy the last applied spec (or the given one) from the latest savepoint. */
import { ApplicationFailure } from '@temporalio/workflow';
import type { AppSpec } from '../spec/types';
import { latestSavepoint } from './decisions/latest-savepoint';
import { FailureType } from '../contract/failures';
import { runOperation, type BodyResult, type OperationContext } from './operation';
import { rollout } from './rollout';
import { sessionClusterResumeBody, takesSessionClusterPath } from './session-cluster';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import type { AppOperationInput } from '../contract/workflow-inputs';
import { validApp } from './valid-input';
import { statusWords } from './decisions/status-words';

export async function resume(input: AppOperationInput): Promise<OperationResult> {
  validApp(input);
  return runOperation({ app: input.app, operation: Operation.Resume }, (ctx) => resumeBody(ctx, {}));
}

export async function resumeBody(ctx: OperationContext, input: { spec?: AppSpec }): Promise<BodyResult> {
  const { state } = ctx;
  const spec = input.spec ?? state.lastAppliedSpec;
  if (spec && takesSessionClusterPath(spec)) return sessionClusterResumeBody(ctx, spec);
  if (state.status !== 'suspended' || !spec) {
    throw ApplicationFailure.create({
      type: FailureType.NothingToDo,
      nonRetryable: true,
      message: `${ctx.app.namespace}/${ctx.app.name} is not suspended (${statusWords(state)}): nothing to resume`,
    });
  }
  const from = spec.job.upgradeMode === 'stateless' ? undefined : latestSavepoint(state.savepoints);
  const restore = from ? { path: from.location, allowNonRestoredState: spec.job.allowNonRestoredState } : undefined;
  const generation = state.generation + 1;
  const done = await rollout(ctx, { spec, generation, restore, label: 'suspended application' });
  return {
    result: {
      operation: Operation.Resume,
      outcome: Outcome.Succeeded,
      jobId: done.jobId,
      restoredFrom: restore?.path,
      message: `resumed: job ${done.jobId} is stable${restore ? `, restored from ${restore.path}` : ''}`,
    },
    finalChanges: [{ kind: 'stable', generation, jobId: done.jobId, spec }],
  };
}
