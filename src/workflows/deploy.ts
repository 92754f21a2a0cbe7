/**
 * deploy: the first deployment of an application (from `initialSavepointPath` when given):
 * lock → record intent → apply objects → job RUNNING and stable → record stable.
 */
import type { AppSpec } from '../spec/types';
import { runOperation, type BodyResult, type OperationContext } from './operation';
import { rollout } from './rollout';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import type { ApplyInput } from '../contract/workflow-inputs';
import { validSpec } from './valid-input';

export async function deploy(input: ApplyInput): Promise<OperationResult> {
  validSpec(input);
  const app = { namespace: input.spec.namespace, name: input.spec.name };
  return runOperation({ app, operation: Operation.Deploy }, (ctx) => deployBody(ctx, input.spec));
}

export async function deployBody(ctx: OperationContext, spec: AppSpec): Promise<BodyResult> {
  const initial = spec.job.initialSavepointPath;
  const restore = initial ? { path: initial, allowNonRestoredState: spec.job.allowNonRestoredState } : undefined;
  const generation = ctx.state.generation + 1;
  const done = await rollout(ctx, { spec, generation, restore, label: 'application' });
  return {
    result: {
      operation: Operation.Deploy,
      outcome: Outcome.Succeeded,
      jobId: done.jobId,
      restoredFrom: restore?.path,
      message:
        `deployed: job ${done.jobId} is stable (generation ` +
        `${generation}${restore ? `, restored from ${restore.path}` : ''})`,
    },
    finalChanges: [{ kind: 'stable', generation, jobId: done.jobId, spec }],
  };
}
