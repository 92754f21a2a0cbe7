/**
 * apply, when only `spec.ingress` changed: the Ingress is applied (or deleted when the spec no longer has
 * one) and the spec recorded; the JobManager, the TaskManagers and the job are not touched.
 */
import { kube } from './activity-profiles';
import { Phase } from '../contract/phases';
import { Operation, Outcome } from '../contract/operations';
import { SavepointKind } from '../contract/savepoints';
import type { AppSpec } from '../spec/types';
import type { BodyResult, OperationContext } from './operation';
import { savepointBody } from './savepoint';

/** Patch id of the `ingress` change class in apply (docs/workflows.md). */
export const ApplyIngressPatch = 'apply-ingress-only';

export async function ingressBody(
  ctx: OperationContext,
  input: { spec: AppSpec; triggerId: string; savepoint: boolean },
): Promise<BodyResult> {
  const { spec } = input;
  await ctx.enterPhase(Phase.Deploying, 'applying the ingress alone (the job keeps running)');
  const outcome = await kube.applyIngress({ spec });
  const what =
    outcome === 'applied'
      ? `ingress ${spec.ingress?.host ?? ''}${spec.ingress?.path ?? ''} applied`
      : outcome === 'deleted'
        ? 'ingress deleted'
        : 'no ingress to change';
  const applied = { kind: 'applied' as const, spec };
  if (input.savepoint) {
    const body = await savepointBody(ctx, { triggerId: input.triggerId, kind: SavepointKind.Manual });
    return {
      ...body,
      result: { ...body.result, message: `${what}; ${body.result.message}` },
      finalChanges: [...(body.finalChanges ?? []), applied],
    };
  }
  return {
    result: {
      operation: Operation.Apply,
      outcome: Outcome.Succeeded,
      jobId: ctx.state.jobId,
      message: `${what}; the job kept running`,
    },
    finalChanges: [applied],
  };
}
