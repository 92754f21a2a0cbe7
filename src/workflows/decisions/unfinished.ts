/**
 * An operation that never finished, as the record tells it: a deploying generation whose job was
 * never marked stable (terminated in WaitingForStable, timed out, history lost, a first deploy
 * whose job FAILED), or a `failed` status. The next apply must not say "nothing changed" over
 * it. Pure.
 */
import type { DeployedState } from '../../contract/deployed-state';
import { AppStatus } from '../../contract/deployed-state';

export function unfinishedGeneration(state: DeployedState): boolean {
  if (!state.exists) return false;
  if (state.status === AppStatus.Failed) return true;
  return state.status === AppStatus.Running && !!state.jobId && state.jobId !== state.lastStableJobId;
}
