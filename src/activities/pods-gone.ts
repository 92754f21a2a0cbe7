/**
 * Waiting for pods to be gone after their Deployments were deleted, bounded across attempts: the
 * wait's start travels in the heartbeat, so a worker restart resumes the same wait instead of
 * starting a new one.
 */
import { Context } from '@temporalio/activity';
import { FailureType } from '../contract/failures';
import type { ActivityDeps } from './deps';
import { fail } from './failures';
import { activitySignal } from './poll';

export interface PodsGoneInput {
  namespace: string;
  labelSelector: string;
  /** Whose pods, for the failure: "pods of <what> still there…". */
  what: string;
  /** What the caller was doing, said before the hint ("removing its deployments; "), if anything. */
  doing?: string;
}

/** Resolves once no pod matches; fails `WaitTimedOut` naming the pods left after `podsGoneTimeout`. */
export async function awaitPodsGone(deps: ActivityDeps, input: PodsGoneInput): Promise<void> {
  const { namespace } = input;
  const ctx = Context.current();
  const previous = ctx.info.heartbeatDetails as { waitingSince?: number } | undefined;
  const waitingSince = typeof previous?.waitingSince === 'number' ? previous.waitingSince : Date.now();
  const timeoutMs = deps.config.podsGoneTimeoutMs;
  const result = await deps.kube.waitForPodsGone({
    namespace,
    labelSelector: input.labelSelector,
    timeoutMs: Math.max(0, waitingSince + timeoutMs - Date.now()),
    pollIntervalMs: deps.config.pollIntervalMs,
    signal: activitySignal(),
    onPoll: (remaining) => ctx.heartbeat({ waitingSince, remaining }),
  });
  if (!result.gone)
    throw fail(
      FailureType.WaitTimedOut,
      `pods of ${input.what} still there after ${timeoutMs / 1000}s: ${result.remaining.join(', ')} ` +
        `(${input.doing ?? ''}stuck Terminating? see \`kubectl describe pod -n ${namespace} ` +
        `${result.remaining[0] ?? ''}\`)`,
    );
}
