/**
 * An operation that never finished, as the record tells it: a deploying generation whose job was
 * never marked stable (terminated in WaitingForStable, timed out, history lost, a first deploy
 * whose job FAILED), or a `failed` status; or a record that says a job runs while the operation
 * before this one did not end its work (its run closed holding the lock, it failed or was
 * cancelled): a delete or suspend stopped the job and removed its Deployments, the record still
 * `running`. The next apply must not say "nothing changed" over it. Pure.
 */
import type { DeployedState } from '../../contract/deployed-state';
import { AppStatus } from '../../contract/deployed-state';
import { Outcome } from '../../contract/operations';
import { Phase } from '../../contract/phases';
import { HolderRelease } from '../../contract/run-state';
import { UpgradeStrategy } from '../../spec/types';

export function unfinishedGeneration(state: DeployedState): boolean {
  if (!state.exists) return false;
  if (state.status === AppStatus.Failed) return true;
  return state.status === AppStatus.Running && !!state.jobId && state.jobId !== state.lastStableJobId;
}

/** How an operation ends without its work done: closed holding the lock, unlocked by a person, failed, cancelled. */
const notDone: string[] = [HolderRelease.Abandoned, HolderRelease.Unlocked, Outcome.Failed, Outcome.Cancelled];

/**
 * The record says job `jobId` runs and the operation before this one did not end its work: the next apply asks
 * Flink whether it runs before it diffs (a closed delete or suspend may have stopped it under a `running` record).
 */
export function unfinishedOperation(state: DeployedState): boolean {
  const last = state.lastOperation;
  if (!state.exists || state.status !== AppStatus.Running || !state.jobId || !last) return false;
  return notDone.includes(last.outcome);
}

/**
 * The operation before this one got to a phase entered only once the job was stopped (with its savepoint, or
 * cancelled when stateless or `--no-savepoint`): a delete's or suspend's RemovingDeployments, a delete's
 * RemovingObjects. A JobManager that does not answer then is one that was removed, not a slow one. Not for a
 * blue-green application, whose RemovingDeployments removes an older generation beside the running one.
 */
export function jobStoppedBy(state: DeployedState): boolean {
  const phase = state.lastOperation?.phase;
  if (state.lastAppliedSpec?.upgradeStrategy === UpgradeStrategy.BlueGreen) return false;
  return phase === Phase.RemovingDeployments || phase === Phase.RemovingObjects;
}
