/** resume: deploy the last applied spec (or the given one) from the latest savepoint. */
import { ApplicationFailure, patched, uuid4 } from '@temporalio/workflow';
import { hexId } from '../contract/ids';
import { unfinishedGeneration } from './decisions/unfinished';
import { finishUnfinished } from './finish-unfinished';
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

/**
 * `patched()` id: resume over an operation that never finished (a resume terminated in WaitingForStable: the record
 * says running, the job never marked stable) finishes it as apply does (finish-unfinished.ts) instead of "nothing to
 * resume": the same command run again leads on. Found by the fault matrix's `terminate` (issue 12).
 */
export const ResumeFinishesUnfinishedPatch = 'resume-finishes-unfinished';

export async function resume(input: AppOperationInput): Promise<OperationResult> {
  validApp(input);
  // Recorded in the intent before anything (finishing may have to secure a running job first).
  const triggerId = patched(ResumeFinishesUnfinishedPatch) ? hexId(uuid4()) : undefined;
  return runOperation(
    { app: input.app, operation: Operation.Resume, ...(triggerId ? { intent: { triggerId } } : {}) },
    async (ctx) => {
      const spec = ctx.state.lastAppliedSpec;
      if (triggerId && spec && !takesSessionClusterPath(spec) && unfinishedGeneration(ctx.state)) {
        const finished = await finishUnfinished(ctx, { spec, triggerId });
        if (finished) return finished;
      }
      return resumeBody(ctx, {});
    },
  );
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
