/**
 * What a failed savepoint says (patch `savepoint-failure-says-job-state`): that no savepoint was
 * taken for its trigger id, what Flink says of the job now (asked, never assumed from the record),
 * and the command to run next. The cause (the activity's last error) stays in the message.
 */
import { ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { FailureType } from '../contract/failures';
import { flinkLook } from './activity-profiles';
import { applicationFailureOf, type OperationContext } from './operation';

export interface SavepointNotTakenInput {
  jobId: string;
  triggerId: string;
  /** Every trigger id sent, when more than the first was (savepoint-retry.ts): all are named. */
  triggersTried?: string[];
  /** What takeSavepoint threw. */
  err: unknown;
}

/** The failure to end a savepoint operation with, or the error itself when it is a cancellation. */
export async function savepointNotTaken(ctx: OperationContext, input: SavepointNotTakenInput): Promise<Error> {
  if (isCancellation(input.err)) return input.err as Error;
  const cause = applicationFailureOf(input.err)?.message ?? (input.err as Error).message;
  const look = await flinkLook.jobState({ app: ctx.app, jobId: input.jobId });
  const { name, namespace } = ctx.app;
  const again = `flink-deploy savepoint ${name} -n ${namespace}`;
  const job =
    look.state === 'RUNNING'
      ? `the job ${input.jobId} is RUNNING, untouched; run \`${again}\` to try again`
      : look.state === 'UNREACHABLE'
        ? `the job ${input.jobId} could not be asked (its JobManager does not answer: ${look.reason ?? '-'}); ` +
          `run \`flink-deploy status ${name} -n ${namespace}\` until it is healthy, then \`${again}\``
        : `the job ${input.jobId} is ${look.state}; run \`flink-deploy status ${name} -n ${namespace}\` to see why`;
  const tried = input.triggersTried ?? [];
  const triggers = tried.length > 1 ? `triggers ${tried.join(', ')}` : `trigger ${input.triggerId}`;
  return ApplicationFailure.create({
    type: FailureType.SavepointFailed,
    nonRetryable: true,
    message: `no savepoint was taken (${triggers}); ${job}. Cause: ${cause}`,
  });
}
