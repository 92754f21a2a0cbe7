/**
 * The job whose state must be secured before anything is torn down: the record's job when the
 * record says `running`; when it says `failed`, the record's job if Flink says it RUNNING (an
 * automatic rollback can report failure while the old version comes up and runs for hours).
 * Flink is asked, the record's status is not trusted.
 */
import { patched } from '@temporalio/workflow';
import { AppStatus } from '../contract/deployed-state';
import { flinkLook } from './activity-profiles';
import type { OperationContext } from './operation';

/** `patched()` id: a `failed` record's job is looked up in Flink (one activity) before deciding it is gone. */
export const AskFlinkWhenFailedPatch = 'ask-flink-when-failed';

/** The job id to secure, or undefined when no job runs. */
export async function runningJob(ctx: OperationContext): Promise<string | undefined> {
  const { state } = ctx;
  if (!state.jobId) return undefined;
  if (state.status === AppStatus.Running) return state.jobId;
  if (state.status !== AppStatus.Failed || !patched(AskFlinkWhenFailedPatch)) return undefined;
  const answer = await flinkLook.jobState({ app: ctx.app, jobId: state.jobId });
  ctx.progress.say(`the record says failed; Flink says job ${state.jobId} is ${answer.state}`);
  return answer.state === 'RUNNING' ? state.jobId : undefined;
}
