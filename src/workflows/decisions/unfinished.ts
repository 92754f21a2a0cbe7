/**
 * An operation that never finished, as the record tells it: a deploying generation whose job was
 * never marked stable (terminated in WaitingForStable, timed out, history lost, a first deploy
 * whose job FAILED), or a `failed` status; or a record that says a job runs while the operation
 * before this one did not end its work (its run closed holding the lock, it failed or was
 * cancelled) after it stopped the job: a delete or suspend removing its Deployments, the record
 * still `running`. The next apply must not say "nothing changed" over it. Pure.
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
 * The record says job `jobId` runs, and the operation before this one did not end its work after it got to a phase
 * entered only once the job was stopped and its state secured and recorded (its savepoint; cancelled when stateless
 * or `--no-savepoint`): a delete's or suspend's RemovingDeployments, a delete's RemovingObjects. The next apply asks
 * Flink whether the job runs before it diffs. Not for a blue-green application, whose RemovingDeployments removes
 * an older generation beside the running one. An operation closed earlier (an upgrade in Savepointing or
 * Cancelling) is left to the diff: its own operation run again finds the state it secured (a last-state upgrade's
 * latest checkpoint, read from Flink; a savepoint by its trigger id), which the record may not hold yet.
 */
export function unfinishedOperation(state: DeployedState): boolean {
  const last = state.lastOperation;
  if (!state.exists || state.status !== AppStatus.Running || !state.jobId || !last) return false;
  if (!notDone.includes(last.outcome)) return false;
  if (state.lastAppliedSpec?.upgradeStrategy === UpgradeStrategy.BlueGreen) return false;
  return last.phase === Phase.RemovingDeployments || last.phase === Phase.RemovingObjects;
}
